/**
 * The benchmark report's tables: one per benchmark, the measured figure beside its baseline, so a
 * reader compares numbers taken in the same run on the same machine.
 */

export { fixed, formatTable, type Table } from '../cli/text-table.ts';

/** `figure / baseline` as "1.23x"; "-" when the baseline is zero. */
export function ratio(figure: number, baseline: number): string {
  return baseline === 0 ? '-' : `${(figure / baseline).toFixed(2)}x`;
}

export function kilobytes(bytes: number): string {
  return `${(bytes / 1_024).toFixed(1)} KiB`;
}
