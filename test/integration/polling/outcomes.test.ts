import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_ATTRIBUTES } from '../../../shared/notify/messages.ts';
import { type PollingPipeline, startPollingPipeline } from '../../helpers/polling-pipeline.ts';

/**
 * Submitted interactions followed to their end through the real poll handler (SQS trigger) and
 * the reconciler, on the local AWS servers and the Zoom simulator, each outcome chosen by the
 * recording's key (see test/helpers/polling-scenario.ts).
 */

let pipeline: PollingPipeline;

beforeAll(async () => {
  pipeline = await startPollingPipeline();
});

afterAll(async () => {
  await pipeline?.stop();
});

const keyFor = (fate: string) => `calls/2026-11-25/jane.doe@example.com/${fate}-${randomUUID()}.mp3`;

/** The notification's JSON body (the only one published for the recording). */
async function onlyNotification(recordingId: string) {
  const published = await pipeline.notifications(recordingId);
  expect(published).toHaveLength(1);
  const [record] = published;
  return { record, body: JSON.parse(record?.message ?? '{}') };
}

describe.concurrent('a submitted interaction ends', () => {
  it('EVALUATED when its automated evaluations complete: results stored, one notification, no alert', async () => {
    // Prepare
    const submitted = await pipeline.submit(keyFor('completed'));

    // Act
    const finished = await pipeline.waitForEnd(submitted.recordingId);

    // Assess
    expect(finished.status).toBe('EVALUATED');
    const results = await pipeline.results(finished);
    expect(results.interactionId).toBe(submitted.interactionId);
    expect(results.evaluations.length).toBeGreaterThan(0);
    expect(results.evaluations.every((evaluation) => evaluation.status === 'COMPLETED')).toBe(true);
    expect(results.interaction.analysis.topics.length).toBeGreaterThan(0);
    const { record, body } = await onlyNotification(finished.recordingId);
    expect(body).toMatchObject({
      notificationId: `${finished.recordingId}-1`,
      status: 'EVALUATED',
      interactionId: submitted.interactionId,
      key: expect.stringContaining('[email]'),
    });
    expect(body.details.evaluations.length).toBe(results.evaluations.length);
    expect(record?.message).not.toContain('@example.com');
    expect(record?.messageAttributes[MESSAGE_ATTRIBUTES.status]?.StringValue).toBe('EVALUATED');
    expect(record?.messageAttributes[MESSAGE_ATTRIBUTES.queue]?.StringValue).toBe('queue-7');
    expect(record?.messageAttributes[MESSAGE_ATTRIBUTES.zoomAccount]?.StringValue).toBe(
      finished.zoomAccountId,
    );
    expect(await pipeline.alerts(finished.recordingId)).toEqual([]);
    expect((await pipeline.outboxEntry(finished))?.state).toBe('SENT');
  });

  it('EVALUATION_FAILED when one fails, with an alert naming the recording and why', async () => {
    // Prepare
    const submitted = await pipeline.submit(keyFor('fail-evaluation'));

    // Act
    const finished = await pipeline.waitForEnd(submitted.recordingId);

    // Assess
    expect(finished.status).toBe('EVALUATION_FAILED');
    expect(finished.reason).toMatch(/automated evaluations? failed in Zoom/);
    const [alert] = await pipeline.alerts(finished.recordingId);
    expect(alert?.subject).toBe('qm-ingest itest: recording EVALUATION_FAILED');
    expect(alert?.message).toContain(`Recording ${finished.recordingId} ended EVALUATION_FAILED`);
    expect(alert?.message).toContain(`Why: ${finished.reason}`);
    expect((await onlyNotification(finished.recordingId)).body.status).toBe('EVALUATION_FAILED');
  });

  it('NO_EVALUATION when analysed without automated evaluation past the grace period', async () => {
    // Prepare
    const submitted = await pipeline.submit(keyFor('no-evaluation'));

    // Act
    const finished = await pipeline.waitForEnd(submitted.recordingId);

    // Assess
    expect(finished.status).toBe('NO_EVALUATION');
    expect((await pipeline.results(finished)).evaluations).toEqual([]);
    expect((await onlyNotification(finished.recordingId)).body.status).toBe('NO_EVALUATION');
    expect(await pipeline.alerts(finished.recordingId)).toEqual([]);
  });

  it('TIMED_OUT when its deadline passes first, with an alert', async () => {
    // Prepare
    const submitted = await pipeline.submit(keyFor('slow-analysis'), { deadlineAt: Date.now() + 3_000 });

    // Act
    const finished = await pipeline.waitForEnd(submitted.recordingId);

    // Assess
    expect(finished.status).toBe('TIMED_OUT');
    expect(finished.reason).toContain('Zoom never showed the interaction');
    expect(await pipeline.alerts(finished.recordingId)).toHaveLength(1);
    expect((await onlyNotification(finished.recordingId)).body.status).toBe('TIMED_OUT');
  });

  it('EVALUATED although a manual evaluation assigned later is still pending: recorded, never waited for', async () => {
    // Prepare
    const submitted = await pipeline.submit(keyFor('manual-evaluation'));

    // Act
    const finished = await pipeline.waitForEnd(submitted.recordingId);

    // Assess
    expect(finished.status).toBe('EVALUATED');
    const manual = (await pipeline.results(finished)).evaluations.filter(
      (evaluation) => evaluation.type === 'manual',
    );
    expect(manual.map((evaluation) => evaluation.status)).toEqual(['Pending']);
    const simulated = pipeline.simulator
      .inspect()
      .interactions.find((entry) => entry.id === submitted.interactionId);
    const manualFinal = simulated?.evaluations.find((evaluation) => evaluation.type === 'Manual')?.finalAt;
    expect(Date.parse(manualFinal ?? '')).toBeGreaterThan(finished.statusChangedAt);
  });

  it('NO_EVALUATION, not TIMED_OUT, when only a manual evaluation comes', async () => {
    // Prepare
    const submitted = await pipeline.submit(keyFor('manual-only'));

    // Act
    const finished = await pipeline.waitForEnd(submitted.recordingId);

    // Assess
    expect(finished.status).toBe('NO_EVALUATION');
    expect(finished.statusChangedAt).toBeLessThan(finished.poll.deadlineAt ?? 0);
    const evaluations = (await pipeline.results(finished)).evaluations;
    expect(evaluations.map((evaluation) => [evaluation.type, evaluation.status])).toEqual([
      ['manual', 'Pending'],
    ]);
  });

  it('EVALUATED with a > 400 KB transcript, which lands in the results bucket', async () => {
    // Prepare
    const submitted = await pipeline.submit(keyFor('large-transcript'));

    // Act
    const finished = await pipeline.waitForEnd(submitted.recordingId);

    // Assess
    expect(finished.status).toBe('EVALUATED');
    expect(finished.results?.location.kind).toBe('item');
    const results = await pipeline.results(finished);
    expect(results.transcript?.bytes).toBeGreaterThan(400_000);
    expect(await pipeline.transcriptSize(results)).toBe(results.transcript?.bytes);
    expect(results.transcript?.key).toMatch(
      new RegExp(`^results/${finished.recordingId}/s1-p\\d+/transcript\\.json$`),
    );
  });
});

describe('afterwards', () => {
  it('no poll message went to the DLQ', async () => {
    // Act
    const dead = await pipeline.dlqMessages();

    // Assess
    expect(dead).toEqual([]);
  });
});
