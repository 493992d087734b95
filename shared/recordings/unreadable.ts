import { CorruptItemError } from './recording.ts';

/**
 * What a loop over stored items does with one it cannot read (corrupt, or written by a newer
 * schema version): it is reported with its keys and skipped, so one bad item never stops the
 * reconciler, the stuck sweep, the outbox publisher or a listing at the same place every run.
 */

/** An item that could not be read: its table keys and why (never its content: it may hold personal data). */
export interface UnreadableItem {
  readonly pk: string;
  readonly sk: string;
  readonly problem: string;
}

/** Told of each unreadable item a listing skips (the functions log it and count a metric with an alarm). */
export type OnUnreadableItem = (item: UnreadableItem) => void;

/** Each item parsed; an unreadable one is reported and skipped, any other failure is thrown. */
export async function* readableItems<T>(
  items: AsyncIterable<Record<string, unknown>>,
  parse: (item: Record<string, unknown>) => T,
  onUnreadable: OnUnreadableItem,
): AsyncGenerator<T> {
  for await (const item of items) {
    let parsed: T;
    try {
      parsed = parse(item);
    } catch (error) {
      if (!(error instanceof CorruptItemError)) {
        throw error;
      }
      onUnreadable({ pk: String(item['pk']), sk: String(item['sk']), problem: error.message });
      continue;
    }
    yield parsed;
  }
}

/** One line naming a skipped item, for a person (the CLI, the local runtime's output). */
export function describeUnreadable(item: UnreadableItem): string {
  return `Skipped a stored item that cannot be read (pk ${item.pk}, sk ${item.sk}): ${item.problem}`;
}
