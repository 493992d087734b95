import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { RecordingRequestError } from '../../../shared/recordings/errors.ts';
import { OutboxRepository } from '../../../shared/recordings/outbox.ts';
import { RecordingRepository } from '../../../shared/recordings/repository.ts';
import type { Transition } from '../../../shared/recordings/transition.ts';
import { documentClientOf } from '../../../shared/table/document-client.ts';
import { notificationKey, shardOf, WORK_SHARD_COUNT } from '../../../shared/table/keys.ts';
import { take } from '../../../shared/table/query.ts';
import { ManualClock } from '../../helpers/shared-manual-clock.ts';
import { failOnUnreadable } from '../../helpers/unreadable-items.ts';
import { recordingIn, requestFor } from './recording-helpers.ts';
import { useStateTable } from './state-table-fixture.ts';

/**
 * The outbox on DynamoDB Local: a terminal status is never written without its pending
 * notification, pending notifications are listed oldest first across shards, and marking one
 * sent takes it off the list.
 */
const DAY = 86_400_000;
const clock = new ManualClock(Date.parse('2026-11-24T10:00:00Z'));
const fixture = useStateTable();
let repository: RecordingRepository;
let outbox: OutboxRepository;

beforeAll(() => {
  repository = new RecordingRepository(fixture.client, { tableName: fixture.tableName, clock });
  outbox = new OutboxRepository(fixture.client, {
    tableName: fixture.tableName,
    clock,
    sentRetentionMs: 7 * DAY,
    onUnreadable: failOnUnreadable,
  });
});

describe('a terminal transition', () => {
  it('writes its pending notification with the facts a subscriber filters on', async () => {
    // Prepare
    const submitted = await recordingIn(repository, 'SUBMITTED', clock.now());

    // Act
    const evaluated = await repository.transition(submitted, {
      to: 'EVALUATED',
      reason: 'all automated evaluations completed',
      notification: { details: { scores: [{ evaluationId: 'ev-1', score: 92 }] } },
    });

    // Assess
    const notification = await outbox.get(submitted.recordingId, `${submitted.recordingId}-1`);
    expect(notification).toEqual({
      schemaVersion: 1,
      notificationId: `${submitted.recordingId}-1`,
      recordingId: submitted.recordingId,
      zoomAccountId: 'acct-1',
      profile: 'default',
      submission: 1,
      status: 'EVALUATED',
      reason: 'all automated evaluations completed',
      bucket: submitted.bucket,
      key: submitted.key,
      interactionId: submitted.interactionId,
      queueId: 'queue-7',
      occurredAt: evaluated.statusChangedAt,
      details: { scores: [{ evaluationId: 'ev-1', score: 92 }] },
      event: 'finished',
      state: 'PENDING',
    });
  });

  it('cannot be written without its notification, even past the types', async () => {
    // Prepare
    const submitted = await recordingIn(repository, 'SUBMITTED', clock.now());
    const withoutOutbox = { to: 'FAILED', reason: 'sneaky' } as unknown as Transition;

    // Act
    const attempt = repository.transition(submitted, withoutOutbox);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(RecordingRequestError);
    expect(await repository.get(submitted.recordingId)).toEqual(submitted);
  });

  it('is not written at all when its notification cannot be', async () => {
    // Prepare
    const submitted = await recordingIn(repository, 'SUBMITTED', clock.now());
    const notificationId = `${submitted.recordingId}-1`;
    await documentClientOf(fixture.client).send(
      new PutCommand({
        TableName: fixture.tableName,
        Item: {
          ...notificationKey(submitted.recordingId, notificationId),
          type: 'NOTIFICATION',
          squatter: true,
        },
      }),
    );

    // Act
    const attempt = repository.transition(submitted, requestFor(submitted, 'TIMED_OUT', clock.now()));

    // Assess
    await expect(attempt).rejects.toThrow(`its notification ${notificationId} already exists`);
    expect(await repository.get(submitted.recordingId)).toEqual(submitted);
  });

  it('gets a notification of its own for each submission', async () => {
    // Prepare
    let recording = await recordingIn(repository, 'FAILED', clock.now());
    for (const step of ['RESUBMITTED', 'SUBMITTING', 'REJECTED'] as const) {
      recording = await repository.transition(recording, requestFor(recording, step, clock.now()));
    }

    // Act
    const notifications = await Promise.all(
      [1, 2].map((submission) => outbox.get(recording.recordingId, `${recording.recordingId}-${submission}`)),
    );

    // Assess
    expect(notifications.map((notification) => notification?.status)).toEqual(['FAILED', 'REJECTED']);
  });
});

describe('pending notifications', () => {
  it('are listed oldest first across every shard, and before a given time only', async () => {
    // Prepare
    const start = Date.parse('2026-12-01T00:00:00Z');
    const created: string[] = [];
    for (let index = 0; index < 12; index += 1) {
      clock.set(start + index * 1_000);
      const received = await recordingIn(repository, 'RECEIVED', clock.now());
      await repository.transition(received, requestFor(received, 'REJECTED', clock.now()));
      created.push(`${received.recordingId}-1`);
    }

    // Act
    const listed = await take(outbox.iteratePending(), 10_000);
    const early = await take(outbox.iteratePending(start + 5_000), 10_000);

    // Assess
    expect(new Set(created.map((id) => shardOf(id, WORK_SHARD_COUNT))).size).toBeGreaterThan(1);
    const ours = listed.filter((notification) => created.includes(notification.notificationId));
    expect(ours.map((notification) => notification.notificationId)).toEqual(created);
    const times = listed.map((notification) => notification.occurredAt);
    expect(times).toEqual([...times].sort((left, right) => left - right));
    expect(early.filter((notification) => created.includes(notification.notificationId))).toHaveLength(5);
  });

  it('leave the list when marked sent, keep a TTL, and marking again changes nothing', async () => {
    // Prepare
    const received = await recordingIn(repository, 'RECEIVED', clock.now());
    await repository.transition(received, requestFor(received, 'REJECTED', clock.now()));
    const notificationId = `${received.recordingId}-1`;
    clock.advance(2_000);

    // Act
    const sent = await outbox.markSent({ recordingId: received.recordingId, notificationId });
    clock.advance(2_000);
    const sentAgain = await outbox.markSent({ recordingId: received.recordingId, notificationId });

    // Assess
    const pending = await take(outbox.iteratePending(), 10_000);
    expect(pending.map((notification) => notification.notificationId)).not.toContain(notificationId);
    expect(sent).toMatchObject({ state: 'SENT', sentAt: clock.now() - 2_000 });
    expect(sentAgain).toEqual(sent);
    const { Item: item } = await documentClientOf(fixture.client).send(
      new GetCommand({
        TableName: fixture.tableName,
        Key: notificationKey(received.recordingId, notificationId),
      }),
    );
    expect(item).toMatchObject({ expiresAt: Math.ceil((sent.sentAt ?? 0) / 1000) + 7 * 86_400 });
    expect(item).not.toHaveProperty('gsi5pk');
  });

  it('record the notification message published apart from the alert, staying pending until sent', async () => {
    // Prepare
    const received = await recordingIn(repository, 'RECEIVED', clock.now());
    await repository.transition(received, requestFor(received, 'FAILED', clock.now()));
    const notificationId = `${received.recordingId}-1`;

    // Act
    const halfway = await outbox.markNotificationPublished({
      recordingId: received.recordingId,
      notificationId,
    });
    const listed = await take(outbox.iteratePending(), 10_000);
    const sent = await outbox.markSent({ recordingId: received.recordingId, notificationId });
    const afterSent = await outbox.markNotificationPublished({
      recordingId: received.recordingId,
      notificationId,
    });

    // Assess
    expect(halfway).toMatchObject({ state: 'PENDING', notificationPublishedAt: clock.now() });
    expect(listed.find((notification) => notification.notificationId === notificationId)).toEqual(halfway);
    expect(afterSent).toEqual(sent);
  });

  it('refuses to mark a notification that does not exist', async () => {
    // Prepare
    const missing = { recordingId: 'no-such-recording', notificationId: 'no-such-recording-1' };

    // Act
    const attempt = outbox.markSent(missing);

    // Assess
    await expect(attempt).rejects.toThrow('Notification no-such-recording-1 does not exist');
  });
});
