/**
 * Plain-text tables, for the benchmark report and `qm-ingest report`: a title, aligned columns
 * (text left, figures right) and notes under it.
 */

export interface Table {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Lines printed under the table: what the baseline is, what a figure means. */
  readonly notes?: readonly string[] | undefined;
  /** How many leading columns hold text (aligned left); the others hold figures. Default 1. */
  readonly textColumns?: number | undefined;
}

export function formatTable(table: Table): string {
  const textColumns = table.textColumns ?? 1;
  const widths = table.header.map((heading, column) =>
    Math.max(heading.length, ...table.rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column < textColumns ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
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
