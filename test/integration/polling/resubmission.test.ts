import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingQueries } from '../../../shared/recordings/queries.ts';
import { type PollingPipeline, startPollingPipeline } from '../../helpers/polling-pipeline.ts';
import { failOnUnreadable } from '../../helpers/unreadable-items.ts';

/**
 * Zoom could not download a recording and says nothing: the interaction stays 404. Past the
 * not-found grace period, with its URL expired, the poller submits it once more through ingest
 * (the real ingest handler on the ingest queue): a new submission, a fresh URL, and this time
 * Zoom processes it.
 */

let pipeline: PollingPipeline;

beforeAll(async () => {
  pipeline = await startPollingPipeline({ runIngest: true, polling: { notFoundGraceSeconds: 2 } });
});

afterAll(async () => {
  await pipeline?.stop();
});

describe('the automatic resubmission', () => {
  it('submits a recording Zoom never processed once more, with a new submission and a fresh URL', async () => {
    // Prepare: Zoom is handed a URL to an object that does not exist, already expired.
    const key = `calls/resubmission/completed-${randomUUID()}.mp3`;
    const submitted = await pipeline.submit(key, { downloadKey: `${key}.gone`, urlExpiresAt: Date.now() });

    // Act
    const finished = await pipeline.waitForEnd(submitted.recordingId);

    // Assess
    expect(finished).toMatchObject({ status: 'EVALUATED', submission: 2, autoResubmissions: 1 });
    expect(finished.interactionId).not.toBe(submitted.interactionId);
    expect(finished.history.map((entry) => `${entry.from}>${entry.to}@${entry.submission}`)).toEqual([
      'null>RECEIVED@1',
      'RECEIVED>SUBMITTING@1',
      'SUBMITTING>SUBMITTED@1',
      'SUBMITTED>SUBMITTING@2',
      'SUBMITTING>SUBMITTED@2',
      'SUBMITTED>EVALUATED@2',
    ]);
    const downloads = pipeline.simulator.inspect().downloads.map((download) => download.result?.outcome);
    expect(downloads.filter((outcome) => outcome === 'ok')).toHaveLength(1);
    expect(downloads).toHaveLength(2);
    const [notification] = await pipeline.notifications(finished.recordingId);
    expect(JSON.parse(notification?.message ?? '{}')).toMatchObject({
      notificationId: `${finished.recordingId}-2`,
      submission: 2,
      status: 'EVALUATED',
    });
  });

  it('ends a resubmission whose object was overwritten meanwhile, by recording id: no recording from the new bytes', async () => {
    // Prepare: Zoom cannot download the first submission; then the key gets other bytes.
    const key = `calls/resubmission/overwritten-${randomUUID()}.mp3`;
    const submitted = await pipeline.submit(key, { downloadKey: `${key}.gone`, urlExpiresAt: Date.now() });
    await pipeline.clients.s3.send(
      new PutObjectCommand({
        Bucket: submitted.bucket,
        Key: key,
        Body: Buffer.alloc(4_096, 9),
        ContentType: 'audio/mpeg',
      }),
    );

    // Act
    const finished = await pipeline.waitForEnd(submitted.recordingId);

    // Assess
    expect(finished).toMatchObject({ status: 'REJECTED', submission: 2 });
    expect(finished.reason).toContain('deleted or overwritten before qm-ingest could submit it');
    const queries = new RecordingQueries(pipeline.clients.dynamodb, {
      tableName: pipeline.config.resources.tableName,
      onUnreadable: failOnUnreadable,
    });
    const atKey: string[] = [];
    for await (const recording of queries.byAccount(submitted.zoomAccountId, {
      from: submitted.receivedAt - 60_000,
      to: Date.now() + 60_000,
    })) {
      if (recording.key === key) atKey.push(recording.recordingId);
    }
    expect(atKey).toEqual([submitted.recordingId]);
    const interactions = pipeline.simulator
      .inspect()
      .interactions.filter((interaction) =>
        interaction.downloadUrl?.includes(encodeURIComponent(key.split('/').at(-1) ?? '')),
      );
    expect(interactions).toHaveLength(1);
  });
});
