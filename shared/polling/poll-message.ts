import * as z from 'zod';

/**
 * The body of a message on the poll queue: a wake-up call for one recording. It carries the
 * `pollSeq` it was scheduled with, so the poller drops it when the recording has moved on since
 * (a duplicate, or a message superseded by a newer schedule), and its due time, so a wait longer
 * than SQS's 15-minute delay is re-sent until due.
 */
export const pollMessageSchema = z.strictObject({
  kind: z.literal('poll'),
  recordingId: z.string().min(1),
  pollSeq: z.int().nonnegative(),
  dueAt: z.int().positive(),
});

export type PollMessage = z.output<typeof pollMessageSchema>;
