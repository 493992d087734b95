import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../../shared/errors.ts';
import { PollMetric } from '../../../shared/polling/metrics.ts';
import { isUnfinishedResubmission } from '../../../shared/polling/poller.ts';
import { ZoomAuthError, ZoomRateLimitedError, ZoomTransientError } from '../../../shared/zoom/errors.ts';
import {
  aSubmittedRecording,
  automatedList,
  evaluationDetail,
  HOUR,
  interactionDetail,
  MINUTE,
  SECOND,
  SUBMITTED_AT,
} from './support/fixtures.ts';
import { pollHarness } from './support/poll-harness.ts';

function rateLimited(retryAfterMs: number, source: 'zoom' | 'local-limiter' = 'zoom'): ZoomRateLimitedError {
  return new ZoomRateLimitedError(
    { operation: 'listAutomatedEvaluations', httpStatus: source === 'zoom' ? 429 : undefined },
    { retryAfterMs, kind: 'qps', label: 'LIGHT', source },
  );
}

/** A harness whose recording Zoom has evaluated: one automated evaluation completed, the interaction analysed. */
function evaluatedPoller(): ReturnType<typeof pollHarness> {
  const poller = pollHarness();
  poller.zoom.automated = automatedList([{ status: 'COMPLETED' }]);
  poller.zoom.detail = interactionDetail();
  return poller;
}

/** A harness whose recording (poll sequence 3, `attempts` polls made) is next due at `dueAt`, its deadline a day after submission. */
function pollerDueAt(dueAt: number, attempts: number): ReturnType<typeof pollHarness> {
  return pollHarness({
    recording: aSubmittedRecording({
      poll: { pollSeq: 3, attempts, nextPollDueAt: dueAt, deadlineAt: SUBMITTED_AT + 24 * HOUR },
    }),
  });
}

/** A harness whose recording is due at its deadline after `attempts` polls, with the clock there. */
function pollerAtDeadline(attempts: number): ReturnType<typeof pollHarness> {
  const poller = pollerDueAt(SUBMITTED_AT + 24 * HOUR, attempts);
  poller.clock.set(SUBMITTED_AT + 24 * HOUR);
  return poller;
}

describe('messages that must not poll', () => {
  it('a message with an older poll sequence (a duplicate, or superseded) is dropped without a Zoom call', async () => {
    // Prepare
    const poller = pollHarness();
    const stale = { ...poller.message(), pollSeq: poller.current().poll.pollSeq - 1 };

    // Act
    const outcome = await poller.service.poll(stale);

    // Assess
    expect(outcome).toEqual({ kind: 'dropped', why: 'stale' });
    expect(poller.zoom.calls).toEqual([]);
    expect(poller.current().poll.pollSeq).toBe(3);
    expect(poller.metrics.total(PollMetric.stalePolls)).toBe(1);
  });

  it('a late message for a finished recording is dropped: a recording never moves backwards', async () => {
    // Prepare
    const poller = pollHarness({ recording: aSubmittedRecording({ status: 'EVALUATED' }) });

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess
    expect(outcome).toEqual({ kind: 'dropped', why: 'stale' });
    expect(poller.current().status).toBe('EVALUATED');
    expect(poller.zoom.calls).toEqual([]);
  });

  it('a message for a recording that does not exist is dropped', async () => {
    // Prepare
    const poller = pollHarness();

    // Act
    const outcome = await poller.service.poll({ ...poller.message(), recordingId: 'no-such-recording' });

    // Assess
    expect(outcome).toEqual({ kind: 'dropped', why: 'missing' });
  });

  it('a message that comes before its poll is due (a wait over 15 min) is sent again, unchanged', async () => {
    // Prepare
    const poller = pollerDueAt(SUBMITTED_AT + 2 * HOUR, 4);

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess
    expect(outcome).toEqual({ kind: 'not-due', dueAt: SUBMITTED_AT + 2 * HOUR });
    expect(poller.scheduler.scheduled.map((recording) => recording.poll.pollSeq)).toEqual([3]);
    expect(poller.current().poll.pollSeq).toBe(3);
    expect(poller.zoom.calls).toEqual([]);
  });
});

describe('a poll that leaves the recording open', () => {
  it('evaluations processing: one LIGHT call, the next poll scheduled with backoff and a new sequence', async () => {
    // Prepare
    const poller = pollHarness();
    poller.zoom.automated = automatedList([{ status: 'PROCESSING' }]);

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess: equal jitter at 0.5 after the first poll: 15 s + 7.5 s.
    const now = poller.clock.now();
    expect(outcome).toEqual({ kind: 'waiting', phase: 'evaluating', nextPollDueAt: now + 22_500 });
    expect(poller.zoom.calls.map((call) => call.operation)).toEqual(['listAutomatedEvaluations']);
    expect(poller.current().poll).toMatchObject({ pollSeq: 5, attempts: 1, nextPollDueAt: now + 22_500 });
    expect(poller.scheduler.scheduled.map((recording) => recording.poll.pollSeq)).toEqual([5]);
    expect(poller.current().status).toBe('SUBMITTED');
  });

  it('not processed yet (404): the list and the detail asked, waiting', async () => {
    // Prepare
    const poller = pollHarness();

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess
    expect(outcome).toMatchObject({ kind: 'waiting', phase: 'not-found' });
    expect(poller.zoom.calls.map((call) => call.operation)).toEqual([
      'listAutomatedEvaluations',
      'getInteraction',
    ]);
  });

  it('analysed without automated evaluation: the sighting is kept, so the next poll makes the LIGHT call only', async () => {
    // Prepare
    const poller = pollHarness();
    poller.zoom.detail = interactionDetail([]);

    // Act
    const first = await poller.service.poll(poller.message());
    poller.clock.advance(MINUTE);
    const second = await poller.service.poll(poller.message());

    // Assess
    expect(first).toMatchObject({ kind: 'waiting', phase: 'awaiting-evaluations' });
    expect(second).toMatchObject({ kind: 'waiting', phase: 'awaiting-evaluations' });
    expect(poller.observations.seen.get(`${poller.id}/1`)).toBe(SUBMITTED_AT + MINUTE);
    expect(poller.zoom.calls.map((call) => call.operation)).toEqual([
      'listAutomatedEvaluations',
      'getInteraction',
      'listAutomatedEvaluations',
    ]);
  });

  it('each counted poll waits longer, up to the cap, and never past the deadline', async () => {
    // Prepare
    const poller = pollHarness({
      recording: aSubmittedRecording({
        poll: {
          pollSeq: 3,
          attempts: 0,
          nextPollDueAt: SUBMITTED_AT + MINUTE,
          deadlineAt: SUBMITTED_AT + HOUR,
        },
      }),
      settings: { noEvaluationGraceSeconds: 600, notFoundGraceSeconds: 600, deadlineSeconds: 3_600 },
    });
    poller.zoom.automated = automatedList([{ status: 'PROCESSING' }]);
    const delays: number[] = [];

    // Act
    for (let poll = 0; poll < 8; poll += 1) {
      const before = poller.clock.now();
      const outcome = await poller.service.poll(poller.message());
      if (outcome.kind !== 'waiting') break;
      delays.push(outcome.nextPollDueAt - before);
      poller.clock.set(outcome.nextPollDueAt);
    }

    // Assess: 22.5 s, 45 s, 90 s, 180 s, 360 s, 675 s (cap 900 at 0.75), then the deadline.
    expect(delays.slice(0, 6)).toEqual([22_500, 45_000, 90_000, 180_000, 360_000, 675_000]);
    expect(poller.current().poll.nextPollDueAt).toBeLessThanOrEqual(SUBMITTED_AT + HOUR);
  });
});

describe('a poll that finishes the recording', () => {
  it('all automated evaluations completed: results stored, EVALUATED, notified with the scores', async () => {
    // Prepare
    const poller = pollHarness();
    poller.zoom.automated = automatedList([{ id: 'aI9HM3ZsEScAa', status: 'COMPLETED' }]);
    poller.zoom.detail = interactionDetail();

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess
    expect(outcome).toEqual({ kind: 'finished', status: 'EVALUATED', notified: true });
    const recording = poller.current();
    expect(recording.status).toBe('EVALUATED');
    expect(recording.reason).toBe('The automated evaluation completed');
    expect(recording.results).toMatchObject({ revision: 1, location: { kind: 'item', sk: 'RESULTS#s1-p4' } });
    expect(poller.zoom.calls.map((call) => call.operation)).toEqual([
      'listAutomatedEvaluations',
      'getInteraction',
    ]);
    const [saved] = poller.results.saved;
    expect(saved?.collected.results.evaluations.map((evaluation) => evaluation.id)).toEqual([
      'aI9HM3ZsEScAa',
    ]);
    const [notification] = poller.publisher.published;
    expect(notification).toMatchObject({ notificationId: `${poller.id}-1`, status: 'EVALUATED' });
    expect(notification?.details).toMatchObject({
      polls: 1,
      resultsRevision: 1,
      evaluations: [{ evaluationId: 'aI9HM3ZsEScAa', score: 85, totalScore: 60, scoreRate: 0.855 }],
    });
    expect(poller.recordings.outbox).toEqual([notification]);
    expect(poller.metrics.total(PollMetric.evaluated)).toBe(1);
    expect(poller.metrics.durations(PollMetric.dropToResult)).toEqual([
      poller.clock.now() - recording.receivedAt,
    ]);
  });

  it('one automated evaluation failed: EVALUATION_FAILED', async () => {
    // Prepare
    const poller = pollHarness();
    poller.zoom.automated = automatedList([{ status: 'COMPLETED' }, { status: 'FAILED' }]);
    poller.zoom.detail = interactionDetail();

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess
    expect(outcome).toMatchObject({ kind: 'finished', status: 'EVALUATION_FAILED' });
    expect(poller.current().reason).toBe('1 of 2 automated evaluations failed in Zoom');
  });

  it('analysed, no automated evaluation past the grace period: NO_EVALUATION with the interaction details', async () => {
    // Prepare
    const poller = pollHarness();
    poller.zoom.detail = interactionDetail([]);
    await poller.service.poll(poller.message());
    poller.clock.advance(30 * MINUTE);

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess
    expect(outcome).toMatchObject({ kind: 'finished', status: 'NO_EVALUATION' });
    expect(poller.results.saved).toHaveLength(1);
    expect(poller.results.saved[0]?.collected.results.interaction.queueName).toBe('Demo');
  });

  it('a completed manual evaluation is recorded with its scorecard; it held nothing open', async () => {
    // Prepare
    const poller = pollHarness();
    poller.zoom.automated = automatedList([{ id: 'auto-1', status: 'COMPLETED' }]);
    poller.zoom.detail = interactionDetail([
      { id: 'auto-1', type: 'Automated', status: 'COMPLETED' },
      { id: 'manual-1', type: 'Manual', status: 'Completed' },
      { id: 'manual-2', type: 'Manual', status: 'Pending' },
    ]);
    poller.zoom.scorecards.set('manual-1', evaluationDetail());

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess
    expect(outcome).toMatchObject({ kind: 'finished', status: 'EVALUATED' });
    expect(poller.zoom.calls.filter((call) => call.operation === 'getEvaluation')).toEqual([
      { operation: 'getEvaluation', argument: 'manual-1' },
    ]);
    const evaluations = poller.results.saved[0]?.collected.results.evaluations ?? [];
    expect(evaluations.map((evaluation) => [evaluation.id, evaluation.type, evaluation.status])).toEqual([
      ['auto-1', 'automated', 'COMPLETED'],
      ['manual-1', 'manual', 'Completed'],
      ['manual-2', 'manual', 'Pending'],
    ]);
    expect(evaluations[1]?.sections[0]?.questions[0]?.answerLabel).toBe('Yes');
  });

  it('automated evaluations processing at the deadline: TIMED_OUT, with the results so far', async () => {
    // Prepare
    const poller = pollerAtDeadline(9);
    poller.zoom.automated = automatedList([{ status: 'PROCESSING' }]);
    poller.zoom.detail = interactionDetail();

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess
    expect(outcome).toMatchObject({ kind: 'finished', status: 'TIMED_OUT' });
    expect(poller.results.saved).toHaveLength(1);
    expect(poller.publisher.published[0]?.details).toMatchObject({ polls: 10 });
  });

  it('a publish that fails leaves the notification pending; the recording is finished all the same', async () => {
    // Prepare
    const poller = evaluatedPoller();
    poller.publisher.succeeds = false;

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess
    expect(outcome).toEqual({ kind: 'finished', status: 'EVALUATED', notified: false });
    expect(poller.recordings.outbox).toHaveLength(1);
  });
});

describe('duplicates', () => {
  it('five copies of one message delivered at once make one poll: one Zoom call, one schedule', async () => {
    // Prepare
    const poller = pollHarness();
    poller.zoom.automated = automatedList([{ status: 'PROCESSING' }]);
    const message = poller.message();

    // Act
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => poller.service.poll(message)));

    // Assess
    expect(outcomes.filter((outcome) => outcome.kind === 'waiting')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === 'dropped')).toHaveLength(4);
    expect(poller.zoom.calls).toHaveLength(1);
    expect(poller.scheduler.scheduled).toHaveLength(1);
    expect(poller.current().poll.attempts).toBe(1);
  });

  it('copies of the finishing message make one notification', async () => {
    // Prepare
    const poller = evaluatedPoller();
    const message = poller.message();

    // Act
    await Promise.all(Array.from({ length: 5 }, () => poller.service.poll(message)));
    await poller.service.poll(message);

    // Assess
    expect(poller.recordings.outbox).toHaveLength(1);
    expect(poller.publisher.published).toHaveLength(1);
    expect(poller.zoom.calls).toHaveLength(2);
  });
});

describe('rate limits', () => {
  it.each([
    ['zoom', 'zoom'],
    ['the local limiter', 'local-limiter'],
  ] as const)(
    'a refusal by %s waits at least Retry-After and does not count as a poll',
    async (_label, source) => {
      // Prepare
      const poller = pollHarness();
      poller.zoom.failNext('listAutomatedEvaluations', rateLimited(20_000, source));

      // Act
      const outcome = await poller.service.poll(poller.message());

      // Assess: 20 s + half of the 4 s spread.
      expect(outcome).toEqual({
        kind: 'rate-limited',
        retryAfterMs: 20_000,
        nextPollDueAt: poller.clock.now() + 22_000,
      });
      expect(poller.current().poll.attempts).toBe(0);
      expect(poller.scheduler.scheduled).toHaveLength(1);
      expect(poller.metrics.total(PollMetric.zoomRateLimited, { label: 'LIGHT', source })).toBe(1);
    },
  );

  it('a storm of refusals delays the recording without failing it', async () => {
    // Prepare
    const poller = evaluatedPoller();
    poller.zoom.failNext(
      'listAutomatedEvaluations',
      ...Array.from({ length: 12 }, () => rateLimited(30_000)),
    );
    const outcomes: string[] = [];

    // Act
    for (let poll = 0; poll < 13; poll += 1) {
      const outcome = await poller.service.poll(poller.message());
      outcomes.push(outcome.kind);
      poller.clock.set(poller.current().poll.nextPollDueAt ?? poller.clock.now());
    }

    // Assess
    expect(outcomes.slice(0, 12)).toEqual(Array.from({ length: 12 }, () => 'rate-limited'));
    expect(outcomes[12]).toBe('finished');
    expect(poller.current().status).toBe('EVALUATED');
    expect(poller.publisher.published[0]?.details).toMatchObject({ polls: 1 });
  });

  it('a refusal of the final detail leaves the recording as it was, to finish at the next poll', async () => {
    // Prepare
    const poller = evaluatedPoller();
    poller.zoom.failNext('getInteraction', rateLimited(5_000));

    // Act
    const refused = await poller.service.poll(poller.message());
    poller.clock.set(poller.current().poll.nextPollDueAt ?? 0);
    const finished = await poller.service.poll(poller.message());

    // Assess
    expect(refused).toMatchObject({ kind: 'rate-limited', retryAfterMs: 5_000 });
    expect(finished).toMatchObject({ kind: 'finished', status: 'EVALUATED' });
    expect(poller.results.saved).toHaveLength(1);
    expect(poller.publisher.published[0]?.details).toMatchObject({ polls: 1 });
  });

  it('a refusal at the deadline ends the recording TIMED_OUT', async () => {
    // Prepare
    const poller = pollerAtDeadline(2);
    poller.zoom.failNext('listAutomatedEvaluations', rateLimited(60_000));

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess
    expect(outcome).toMatchObject({ kind: 'finished', status: 'TIMED_OUT' });
  });
});

describe('other Zoom failures', () => {
  it('a 5xx (after the client retried) backs off and counts as a poll', async () => {
    // Prepare
    const poller = pollHarness();
    poller.zoom.failNext(
      'listAutomatedEvaluations',
      new ZoomTransientError(
        'Zoom failed',
        { operation: 'listAutomatedEvaluations', httpStatus: 503 },
        'server-error',
      ),
    );

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess
    expect(outcome).toEqual({ kind: 'zoom-error', nextPollDueAt: poller.clock.now() + 22_500 });
    expect(poller.current().poll.attempts).toBe(1);
    expect(poller.metrics.total(PollMetric.zoomErrors, { kind: 'transient' })).toBe(1);
  });

  it('refused credentials are logged as an error (alert-worthy) and checked again later', async () => {
    // Prepare
    const poller = pollHarness();
    poller.zoom.failNext(
      'listAutomatedEvaluations',
      new ZoomAuthError('Zoom refused the credentials or token', { operation: 'oauth', httpStatus: 400 }),
    );

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess
    expect(outcome.kind).toBe('zoom-error');
    expect(poller.logger.entries.filter((entry) => entry.level === 'error')).toHaveLength(1);
    expect(poller.current().status).toBe('SUBMITTED');
  });
});

describe('failures outside Zoom', () => {
  it('a retryable failure after the claim gives the poll back with a backoff', async () => {
    // Prepare
    const poller = evaluatedPoller();
    poller.results.failure = new RetryableError('S3 PutObject failed: SlowDown');

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess
    expect(outcome).toEqual({ kind: 'retry-later', nextPollDueAt: poller.clock.now() + 22_500 });
    expect(poller.current()).toMatchObject({ status: 'SUBMITTED', poll: { attempts: 0, pollSeq: 5 } });
    expect(poller.scheduler.scheduled).toHaveLength(1);
  });

  it('a poll the reconciler took back meanwhile (a slow poller, past its lease) is dropped', async () => {
    // Prepare
    const poller = pollHarness();
    poller.zoom.automated = automatedList([{ status: 'PROCESSING' }]);
    const list = poller.zoom.listAutomatedEvaluationsPage.bind(poller.zoom);
    poller.zoom.listAutomatedEvaluationsPage = async (query) => {
      const taken = poller.current();
      poller.recordings.put({ ...taken, poll: { ...taken.poll, pollSeq: taken.poll.pollSeq + 1 } });
      return list(query);
    };

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess
    expect(outcome).toEqual({ kind: 'dropped', why: 'stale' });
    expect(poller.scheduler.scheduled).toEqual([]);
    expect(poller.current().poll).toMatchObject({ pollSeq: 5, attempts: 0 });
  });

  it('a permanent failure is thrown; the poll stays leased until the reconciler takes it back', async () => {
    // Prepare
    const poller = evaluatedPoller();
    poller.results.failure = new PermanentError('S3 PutObject failed: AccessDenied');

    // Act / Assess
    await expect(poller.service.poll(poller.message())).rejects.toThrow('AccessDenied');
    expect(poller.current().poll).toMatchObject({
      pollSeq: 4,
      nextPollDueAt: poller.clock.now() + 300 * SECOND,
    });
  });
});

describe('the automatic resubmission', () => {
  const expiredAndGone = () => pollerDueAt(SUBMITTED_AT + 3 * HOUR, 20);

  it('still 404 past the grace period with the URL expired: SUBMITTING with a new submission, handed to ingest', async () => {
    // Prepare
    const poller = expiredAndGone();
    poller.clock.set(SUBMITTED_AT + 3 * HOUR);

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess
    expect(outcome).toEqual({ kind: 'resubmitted', submission: 2 });
    expect(poller.current()).toMatchObject({ status: 'SUBMITTING', submission: 2, autoResubmissions: 1 });
    expect(poller.resubmitter.handedOver.map((recording) => recording.submission)).toEqual([2]);
    expect(poller.metrics.total(PollMetric.resubmitted)).toBe(1);
  });

  it('a failed hand-over is retried by the same message, and only by it', async () => {
    // Prepare
    const poller = expiredAndGone();
    poller.clock.set(SUBMITTED_AT + 3 * HOUR);
    const message = poller.message();
    poller.resubmitter.failure = new RetryableError('SQS SendMessage failed: ThrottlingException');
    await expect(poller.service.poll(message)).rejects.toThrow('ThrottlingException');

    // Act
    const retried = await poller.service.poll(message);
    const older = await poller.service.poll({ ...message, pollSeq: message.pollSeq - 1 });

    // Assess
    expect(retried).toEqual({ kind: 'resubmitted', submission: 2 });
    expect(older).toEqual({ kind: 'dropped', why: 'stale' });
    expect(poller.resubmitter.handedOver).toHaveLength(1);
    expect(isUnfinishedResubmission(poller.current(), message)).toBe(true);
  });

  it('after the resubmission was used: FAILED, with an alert-worthy reason', async () => {
    // Prepare
    const poller = pollHarness({
      recording: aSubmittedRecording({ submission: 2, autoResubmissions: 1 }),
    });
    poller.clock.set(SUBMITTED_AT + 3 * HOUR);

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess
    expect(outcome).toMatchObject({ kind: 'finished', status: 'FAILED' });
    expect(poller.publisher.published[0]?.reason).toContain('Zoom has not processed submission 2');
    expect(poller.results.saved).toEqual([]);
  });
});
