import type { OnUnreadableItem, UnreadableItem } from '../../shared/recordings/unreadable.ts';

/** For tests whose tables hold only readable items: an unreadable one is a test failure, loudly. */
export const failOnUnreadable: OnUnreadableItem = (item) => {
  throw new Error(`Unexpected unreadable item ${item.pk} / ${item.sk}: ${item.problem}`);
};

/** Collects the unreadable items a listing skipped. */
export function collectUnreadable(): {
  readonly skipped: UnreadableItem[];
  readonly onUnreadable: OnUnreadableItem;
} {
  const skipped: UnreadableItem[] = [];
  return { skipped, onUnreadable: (item) => skipped.push(item) };
}
