/** SQS refuses a message delay above 15 minutes. */
export const MAX_SQS_DELAY_SECONDS = 900;

/**
 * The `DelaySeconds` that gets a message delivered at `dueAt` (epoch ms), or as close as SQS
 * allows: a message due further out arrives early, carries its due time, and is re-sent by its
 * consumer until it is due. Rounded up, so a message never arrives before it is due when it can.
 */
export function delaySecondsUntil(dueAt: number, now: number): number {
  const seconds = Math.ceil((dueAt - now) / 1000);
  return Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, seconds));
}
