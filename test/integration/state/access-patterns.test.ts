import { beforeAll, describe, expect, it } from 'vitest';
import { RecordingQueries } from '../../../shared/recordings/queries.ts';
import type { Recording } from '../../../shared/recordings/recording.ts';
import { RecordingRepository } from '../../../shared/recordings/repository.ts';
import { STATUS_SHARD_COUNT, shardOf } from '../../../shared/table/keys.ts';
import { take } from '../../../shared/table/query.ts';
import { ManualClock } from '../../helpers/shared-manual-clock.ts';
import { failOnUnreadable } from '../../helpers/unreadable-items.ts';
import { aNewRecording, recordingIn, requestFor } from './recording-helpers.ts';
import { useStateTable } from './state-table-fixture.ts';

/** Each access pattern of the state table, as a query on DynamoDB Local. */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const start = Date.parse('2026-11-24T20:00:00Z');
const clock = new ManualClock(start);
const fixture = useStateTable();
let repository: RecordingRepository;
let queries: RecordingQueries;

beforeAll(() => {
  repository = new RecordingRepository(fixture.client, { tableName: fixture.tableName, clock });
  queries = new RecordingQueries(fixture.client, {
    tableName: fixture.tableName,
    onUnreadable: failOnUnreadable,
  });
});

const idsOf = (recordings: readonly Recording[]) => recordings.map((recording) => recording.recordingId);
const all = <T>(source: AsyncIterable<T>) => take(source, 100_000);

describe('a recording by identity and by id', () => {
  it('is one GetItem, since the id is derived from the identity', async () => {
    // Prepare
    const input = aNewRecording({ zoomAccountId: 'acct-identity' });
    const { recording } = await repository.claim(input);

    // Act
    const byIdentity = await repository.getByIdentity(input);
    const byId = await repository.get(recording.recordingId);
    const otherBytes = await repository.getByIdentity({
      ...input,
      contentIdentity: { kind: 'checksum', value: 'different-bytes' },
    });

    // Assess
    expect(byIdentity).toEqual(recording);
    expect(byId).toEqual(recording);
    expect(otherBytes).toBeUndefined();
  });
});

describe('a recording by Zoom interaction id', () => {
  it('is found within its account only', async () => {
    // Prepare
    const submitted = await recordingIn(repository, 'SUBMITTED', clock.now(), { zoomAccountId: 'acct-ix' });
    const interactionId = submitted.interactionId ?? '';

    // Act
    const found = await repository.findByInteraction('acct-ix', interactionId);
    const otherAccount = await repository.findByInteraction('acct-other', interactionId);

    // Assess
    expect(found?.recordingId).toBe(submitted.recordingId);
    expect(otherAccount).toBeUndefined();
  });
});

describe('recordings by status over a time range', () => {
  it('merges every shard of every day in time order, either way round', async () => {
    // Prepare
    const failed: Recording[] = [];
    for (let index = 0; index < 20; index += 1) {
      clock.set(start + index * 30 * 60_000);
      const received = await recordingIn(repository, 'RECEIVED', clock.now(), {
        zoomAccountId: 'acct-status',
      });
      failed.push(await repository.transition(received, requestFor(received, 'FAILED', clock.now())));
    }
    clock.set(start + 2 * HOUR);
    await recordingIn(repository, 'REJECTED', clock.now(), { zoomAccountId: 'acct-status' });
    const range = { from: start + HOUR, to: start + 9 * HOUR };

    // Act
    const ascending = await all(queries.byStatus('FAILED', range));
    const descending = await all(queries.byStatus('FAILED', range, { order: 'desc', pageSize: 2 }));

    // Assess
    const expected = failed.filter(
      (recording) => recording.statusChangedAt >= range.from && recording.statusChangedAt < range.to,
    );
    expect(expected).toHaveLength(16);
    expect(
      new Set(expected.map((recording) => new Date(recording.statusChangedAt).toISOString().slice(0, 10)))
        .size,
    ).toBe(2);
    expect(new Set(idsOf(expected).map((id) => shardOf(id, STATUS_SHARD_COUNT))).size).toBeGreaterThan(1);
    expect(idsOf(ascending)).toEqual(idsOf(expected));
    expect(idsOf(descending)).toEqual(idsOf(expected).reverse());
  });

  it('follows a recording from status to status', async () => {
    // Prepare
    clock.set(start + 3 * DAY);
    const submitting = await recordingIn(repository, 'SUBMITTING', clock.now());
    const range = { from: clock.now(), to: clock.now() + HOUR };

    // Act
    clock.advance(1_000);
    await repository.transition(submitting, requestFor(submitting, 'NEEDS_REVIEW', clock.now()));
    const stillSubmitting = await all(queries.byStatus('SUBMITTING', range));
    const needsReview = await all(queries.byStatus('NEEDS_REVIEW', range));

    // Assess
    expect(idsOf(stillSubmitting)).not.toContain(submitting.recordingId);
    expect(idsOf(needsReview)).toContain(submitting.recordingId);
  });

  it('lets the caller stop early without reading the rest', async () => {
    // Prepare
    const range = { from: start, to: start + DAY * 2 };

    // Act
    const firstThree = await take(queries.byStatus('FAILED', range, { pageSize: 1 }), 3);

    // Assess
    expect(firstThree).toHaveLength(3);
    expect(firstThree.map((recording) => recording.statusChangedAt)).toEqual(
      [...firstThree.map((recording) => recording.statusChangedAt)].sort((left, right) => left - right),
    );
  });
});

describe('recordings by agent over a time range', () => {
  it('finds an agent by email whatever its case, by call start time', async () => {
    // Prepare
    clock.set(start + 5 * DAY);
    const times = ['2026-11-20T08:00:00Z', '2026-11-21T08:00:00Z', '2026-11-22T08:00:00Z'];
    const smiths: Recording[] = [];
    for (const startTime of times) {
      const { recording } = await repository.claim(
        aNewRecording({ metadata: { agentEmail: 'Agent.Smith@Example.com', startTime } }),
      );
      smiths.push(recording);
    }
    await repository.claim(
      aNewRecording({ metadata: { agentEmail: 'someone.else@example.com', startTime: times[1] } }),
    );

    // Act
    const found = await all(
      queries.byAgent(
        { email: 'agent.smith@example.com' },
        { from: Date.parse('2026-11-21T00:00:00Z'), to: Date.parse('2026-11-23T00:00:00Z') },
      ),
    );

    // Assess
    expect(idsOf(found)).toEqual(idsOf(smiths.slice(1)));
  });

  it('finds an agent known only by Zoom user id', async () => {
    // Prepare
    const { recording } = await repository.claim(
      aNewRecording({ receivedAt: start, metadata: { agentId: 'zoom-user-77' } }),
    );

    // Act
    const found = await all(queries.byAgent({ id: 'zoom-user-77' }, { from: start, to: start + 1 }));

    // Assess
    expect(idsOf(found)).toEqual([recording.recordingId]);
  });
});

describe('recordings by Zoom account', () => {
  it('lists one account by drop time, and no other account', async () => {
    // Prepare
    const mine: Recording[] = [];
    for (let index = 0; index < 3; index += 1) {
      const { recording } = await repository.claim(
        aNewRecording({ zoomAccountId: 'acct-listed', receivedAt: start + index * HOUR }),
      );
      mine.push(recording);
    }
    await repository.claim(aNewRecording({ zoomAccountId: 'acct-unlisted', receivedAt: start }));

    // Act
    const listed = await all(queries.byAccount('acct-listed', { from: start, to: start + DAY }));
    const newestFirst = await all(
      queries.byAccount('acct-listed', { from: start, to: start + DAY }, { order: 'desc' }),
    );
    const empty = await all(queries.byAccount('acct-listed', { from: start + DAY, to: start }));

    // Assess
    expect(idsOf(listed)).toEqual(idsOf(mine));
    expect(idsOf(newestFirst)).toEqual(idsOf(mine).reverse());
    expect(empty).toEqual([]);
  });
});

describe('recordings whose next poll is due', () => {
  it('lists SUBMITTED recordings due at or before T, most overdue first, and nothing else', async () => {
    // Prepare
    const base = Date.parse('2027-01-10T00:00:00Z');
    clock.set(base);
    const due: Recording[] = [];
    for (let index = 0; index < 10; index += 1) {
      const submitted = await recordingIn(repository, 'SUBMITTED', clock.now());
      due.push(
        await repository.schedulePoll(submitted, {
          nextPollDueAt: base + (10 - index) * 60_000,
          countsAsAttempt: true,
        }),
      );
    }
    const later = await recordingIn(repository, 'SUBMITTED', clock.now());
    await repository.schedulePoll(later, { nextPollDueAt: base + 11 * 60_000 + 1, countsAsAttempt: false });
    const finished = due.pop();
    if (finished === undefined) {
      throw new Error('no recording to finish');
    }
    await repository.transition(finished, requestFor(finished, 'EVALUATED', clock.now()));

    // Act
    const listed = await all(queries.duePolls(base + 11 * 60_000));

    // Assess
    const ours = listed.filter(
      (recording) => recording.poll.nextPollDueAt !== undefined && recording.poll.nextPollDueAt >= base,
    );
    expect(idsOf(ours)).toEqual(idsOf(due).reverse());
    expect(idsOf(listed)).not.toContain(later.recordingId);
    expect(idsOf(listed)).not.toContain(finished.recordingId);
    expect(listed.every((recording) => recording.status === 'SUBMITTED')).toBe(true);
  });
});

describe('the results reference', () => {
  it('is amended without touching the status, and an older revision is refused', async () => {
    // Prepare
    const submitted = await recordingIn(repository, 'SUBMITTED', clock.now());
    const evaluated = await repository.transition(submitted, requestFor(submitted, 'EVALUATED', clock.now()));
    await repository.setResults(evaluated.recordingId, {
      revision: 1,
      location: { kind: 'item', sk: 'RESULT#1' },
    });

    // Act
    const amended = await repository.setResults(evaluated.recordingId, {
      revision: 2,
      location: { kind: 's3', bucket: 'results', key: `results/${evaluated.recordingId}/2.json` },
    });
    const late = repository.setResults(evaluated.recordingId, {
      revision: 1,
      location: { kind: 'item', sk: 'RESULT#1' },
    });

    // Assess
    await expect(late).rejects.toMatchObject({ staleBy: 'results revision' });
    expect(amended).toMatchObject({
      status: 'EVALUATED',
      history: evaluated.history,
      results: { revision: 2 },
    });
    expect(await repository.get(evaluated.recordingId)).toEqual(amended);
  });

  it('cannot be set on a recording that does not exist', async () => {
    // Prepare
    const results = { revision: 1, location: { kind: 'item', sk: 'RESULT#1' } } as const;

    // Act
    const attempt = repository.setResults('no-such-recording', results);

    // Assess
    await expect(attempt).rejects.toThrow('Recording no-such-recording does not exist');
  });
});

describe("recordings not yet submitted, for the stuck sweep (the work index's watch)", () => {
  it('lists one idle for 30 days, follows its waits, and drops it once it moves on', async () => {
    // Prepare: a recording claimed 30 days ago and never heard of since.
    const claimedAt = Date.parse('2025-06-01T08:00:00Z');
    clock.set(claimedAt);
    const { recording } = await repository.claim(aNewRecording({ zoomAccountId: 'acct-watch' }));
    clock.set(claimedAt + 30 * DAY);
    const idleBefore = clock.now() - 6 * HOUR;
    const listed = async () =>
      idsOf(await all(queries.stuckCandidates(idleBefore))).filter((id) => id === recording.recordingId);

    // Act
    const whileIdle = await listed();
    const waiting = await repository.updateIngestWork(recording, {
      ownerDelivery: 'message-1',
      mayHavePosted: false,
      waiting: { until: clock.now() + DAY, cause: 'rate-limited' },
    });
    const whileWaiting = await listed();
    await repository.transition(waiting, requestFor(waiting, 'FAILED', clock.now()));
    const onceEnded = await listed();

    // Assess
    expect(whileIdle).toEqual([recording.recordingId]);
    expect(whileWaiting).toEqual([]);
    expect(onceEnded).toEqual([]);
  });
});
