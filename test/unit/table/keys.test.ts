import { describe, expect, it } from 'vitest';
import {
  agentKeyOf,
  duePollIndexEntry,
  interactionIndexEntry,
  MAX_STATUS_QUERY_DAYS,
  notificationKey,
  outboxIndexEntry,
  rateLimitBucketKey,
  recordingKey,
  STATUS_SHARD_COUNT,
  shardOf,
  sortableTime,
  statusIndexEntry,
  timeRangeBounds,
  timeSortKey,
  utcDaysOf,
  WORK_SHARD_COUNT,
  zoomTokenKey,
} from '../../../shared/table/keys.ts';

const at = (iso: string) => Date.parse(iso);

describe('item keys', () => {
  it('keeps a recording and its notifications in one partition', () => {
    // Prepare
    const recordingId = 'abc';

    // Act
    const recording = recordingKey(recordingId);
    const notification = notificationKey(recordingId, `${recordingId}-1`);

    // Assess
    expect(recording).toEqual({ pk: 'REC#abc', sk: 'RECORDING' });
    expect(notification).toEqual({ pk: 'REC#abc', sk: 'NOTIFICATION#abc-1' });
  });

  it('keys the token and the rate-limit buckets by Zoom account', () => {
    // Prepare
    const accountId = 'acct-1';

    // Act
    const token = zoomTokenKey(accountId);
    const bucket = rateLimitBucketKey(accountId, 'HEAVY');

    // Assess
    expect(token).toEqual({ pk: 'ZOOM#acct-1', sk: 'TOKEN' });
    expect(bucket).toEqual({ pk: 'ZOOM#acct-1', sk: 'RATE#HEAVY' });
  });

  it.each([
    ['an empty account id', () => zoomTokenKey('')],
    ['a separator in an account id', () => rateLimitBucketKey('acct#2', 'LIGHT')],
    ['a separator in an interaction id', () => interactionIndexEntry('acct', 'ix#1', 'rec')],
  ])('refuses %s', (_, build) => {
    // Prepare
    const attempt = build;

    // Act
    const outcome = () => attempt();

    // Assess
    expect(outcome).toThrow("must be non-empty and must not contain '#'");
  });

  it('finds an interaction within its Zoom account', () => {
    // Prepare
    const interactionId = 'QMp3e6_WShCVuifNbrQd4w';

    // Act
    const entry = interactionIndexEntry('acct-1', interactionId, 'rec-1');

    // Assess
    expect(entry).toEqual({ partitionKey: 'INTERACTION#acct-1#QMp3e6_WShCVuifNbrQd4w', sortKey: 'rec-1' });
  });
});

describe('the status index', () => {
  it('partitions by status, UTC day and a stable shard, and sorts by time', () => {
    // Prepare
    const lastMillisecondOfTheDay = at('2026-11-24T23:59:59.999Z');

    // Act
    const entry = statusIndexEntry('FAILED', lastMillisecondOfTheDay, 'rec-1');

    // Assess
    expect(entry.partitionKey).toBe(`STATUS#FAILED#2026-11-24#${shardOf('rec-1', STATUS_SHARD_COUNT)}`);
    expect(entry.sortKey).toBe('2026-11-24T23:59:59.999Z#rec-1');
  });

  it('spreads recordings over every shard', () => {
    // Prepare
    const ids = Array.from({ length: 400 }, (_, index) => `recording-${index}`);

    // Act
    const perShard = new Map<number, number>();
    for (const id of ids) {
      const shard = shardOf(id, STATUS_SHARD_COUNT);
      perShard.set(shard, (perShard.get(shard) ?? 0) + 1);
    }

    // Assess
    expect([...perShard.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const count of perShard.values()) {
      expect(count).toBeGreaterThan(400 / STATUS_SHARD_COUNT / 2);
    }
  });

  it('gives the same shard to the same id every time', () => {
    // Prepare
    const id = 'rec-42';

    // Act
    const shards = [shardOf(id, 8), shardOf(id, 8), shardOf(id, 8)];

    // Assess
    expect(new Set(shards).size).toBe(1);
    expect(shards[0]).toBeGreaterThanOrEqual(0);
    expect(shards[0]).toBeLessThan(8);
  });
});

describe('the work index', () => {
  it('holds due polls and pending notifications under their own prefixes', () => {
    // Prepare
    const when = at('2026-11-24T10:00:00Z');

    // Act
    const due = duePollIndexEntry('rec-1', when);
    const pending = outboxIndexEntry('rec-1-1', when);

    // Assess
    expect(due.partitionKey).toBe(`DUE#${shardOf('rec-1', WORK_SHARD_COUNT)}`);
    expect(due.sortKey).toBe('2026-11-24T10:00:00.000Z#rec-1');
    expect(pending.partitionKey).toBe(`OUTBOX#${shardOf('rec-1-1', WORK_SHARD_COUNT)}`);
    expect(pending.sortKey).toBe('2026-11-24T10:00:00.000Z#rec-1-1');
  });
});

describe('agent keys', () => {
  it('hashes an email case-insensitively, so no address appears in a key', () => {
    // Prepare
    const spellings = ['jane.doe@example.com', ' Jane.Doe@Example.com '];

    // Act
    const [lower, mixed] = spellings.map((email) => agentKeyOf({ email }));

    // Assess
    expect(lower).toBe(mixed);
    expect(lower).toMatch(/^e\.[A-Za-z0-9_-]{22}$/);
    expect(lower).not.toContain('jane');
  });

  it('keeps emails and Zoom user ids apart', () => {
    // Prepare
    const sameText = 'user-42';

    // Act
    const byEmail = agentKeyOf({ email: sameText });
    const byId = agentKeyOf({ id: sameText });

    // Assess
    expect(byEmail).not.toBe(byId);
    expect(byId.startsWith('i.')).toBe(true);
  });
});

describe('time in keys', () => {
  it('orders as strings the way the times order', () => {
    // Prepare
    const times = [0, 999, 1_000, at('2026-01-01T00:00:00Z'), at('2026-11-24T10:00:00.5Z')];

    // Act
    const keys = times.map((time) => timeSortKey(time, 'id'));

    // Assess
    expect([...keys].sort()).toEqual(keys);
  });

  it('refuses a time the ISO form cannot order', () => {
    // Prepare
    const unorderable = [-1, 1.5, 253_402_300_800_000];

    // Act
    const attempts = unorderable.map((time) => () => sortableTime(time));

    // Assess
    for (const attempt of attempts) {
      expect(attempt).toThrow('outside the range the state table keys can order');
    }
  });

  it('selects exactly the half-open range with BETWEEN bounds', () => {
    // Prepare
    const from = at('2026-11-24T10:00:00Z');
    const to = at('2026-11-24T11:00:00Z');
    const { low, high } = timeRangeBounds(from, to);
    const inside = (key: string) => key >= low && key <= high;

    // Act
    const verdicts = [from - 1, from, to - 1, to].map((time) => inside(timeSortKey(time, 'zzzz')));

    // Assess
    expect(verdicts).toEqual([false, true, true, false]);
  });

  it('lists the UTC days a range touches', () => {
    // Prepare
    const range = { from: at('2026-11-23T22:00:00Z'), to: at('2026-11-25T00:00:00Z') };

    // Act
    const days = utcDaysOf(range.from, range.to);

    // Assess
    expect(days).toEqual(['2026-11-23', '2026-11-24']);
  });

  it('lists no day for an empty range and refuses an over-long one', () => {
    // Prepare
    const start = at('2020-01-01T00:00:00Z');

    // Act
    const empty = utcDaysOf(start, start);
    const tooLong = () => utcDaysOf(start, start + (MAX_STATUS_QUERY_DAYS + 1) * 86_400_000);

    // Assess
    expect(empty).toEqual([]);
    expect(tooLong).toThrow(`A status query may cover at most ${MAX_STATUS_QUERY_DAYS} days`);
  });
});
