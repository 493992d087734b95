/**
 * Plain-text tables for the benchmark report: one per benchmark, the measured figure beside its
 * baseline, so a reader compares numbers taken in the same run on the same machine.
 */

export interface Table {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Lines printed under the table: what the baseline is, what a figure means. */
  readonly notes?: readonly string[] | undefined;
}

export function formatTable(table: Table): string {
  const widths = table.header.map((heading, column) =>
    Math.max(heading.length, ...table.rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [
    table.title,
    '='.repeat(table.title.length),
    line(table.header),
    rule,
    ...table.rows.map(line),
    ...(table.notes ?? []).map((note) => `  ${note}`),
  ].join('\n');
}

export function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

/** `figure / baseline` as "1.23x"; "-" when the baseline is zero. */
export function ratio(figure: number, baseline: number): string {
  return baseline === 0 ? '-' : `${(figure / baseline).toFixed(2)}x`;
}

export function kilobytes(bytes: number): string {
  return `${(bytes / 1_024).toFixed(1)} KiB`;
}
