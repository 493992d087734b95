import { backoffCeilingMs, jitteredMs } from '../backoff.ts';
import type { BackoffSettings, PollSettings } from '../config/polling.ts';
import type { ZoomProfile } from '../config/zoom-profile.ts';
import type { PollPlan } from '../recordings/transition.ts';

/**
 * The poll schedule, as pure functions of the settings, the clock and a random source: when the
 * first check comes, how long each later one waits, how a rate-limit refusal delays it, and the
 * most checks the policy can make in a given time. Nothing here sleeps: a delay becomes the due
 * time of the next poll message.
 */

/** A source of uniformly distributed numbers in [0, 1): Math.random in production, fixed in tests. */
export type RandomSource = () => number;

/**
 * SQS delays in whole seconds: a poll due sooner than this after the previous one would be
 * delivered at once anyway, so no computed delay is shorter.
 */
export const MIN_POLL_DELAY_MS = 1_000;

/**
 * The wait before a new submission's first check: `firstDelaySeconds`, or, for an account that
 * sends webhooks, the safety interval (its events bring the poll forward when there is news).
 */
export function firstPollDelaySeconds(
  settings: Pick<PollSettings, 'firstDelaySeconds'>,
  profile: Pick<ZoomProfile, 'webhooks'>,
): number {
  return profile.webhooks.enabled ? profile.webhooks.safetyIntervalSeconds : settings.firstDelaySeconds;
}

/**
 * The first check and the deadline of a submission that Zoom has just accepted (what ingest writes
 * with SUBMITTED); the first check waits {@link firstPollDelaySeconds} for the profile, when given.
 */
export function initialPollPlan(
  settings: PollSettings,
  submittedAt: number,
  profile?: Pick<ZoomProfile, 'webhooks'>,
): PollPlan {
  // Settings may hold fractions of a second; the schedule is whole epoch milliseconds.
  const deadlineAt = Math.ceil(submittedAt + settings.deadlineSeconds * 1_000);
  const firstDelaySeconds =
    profile === undefined ? settings.firstDelaySeconds : firstPollDelaySeconds(settings, profile);
  return {
    nextPollDueAt: Math.min(Math.ceil(submittedAt + firstDelaySeconds * 1_000), deadlineAt),
    deadlineAt,
  };
}

/** The delay before the next check, without jitter, after `countedPolls` (>= 1) counted checks. */
export function nominalDelayMs(countedPolls: number, backoff: BackoffSettings): number {
  const ceilingMs = backoffCeilingMs(countedPolls, {
    baseMs: backoff.baseSeconds * 1_000,
    factor: backoff.factor,
    capMs: backoff.capSeconds * 1_000,
  });
  return Math.max(MIN_POLL_DELAY_MS, ceilingMs);
}

/** The smallest delay {@link backoffDelayMs} can return after `countedPolls` checks (its jitter's lower bound). */
export function minimumDelayMs(countedPolls: number, backoff: BackoffSettings): number {
  const nominal = nominalDelayMs(countedPolls, backoff);
  const lowest = jitteredMs(nominal, backoff.jitter, () => 0);
  return Math.max(MIN_POLL_DELAY_MS, Math.floor(lowest));
}

/** The delay before the next check after `countedPolls` (>= 1) counted checks, jittered as configured. */
export function backoffDelayMs(countedPolls: number, backoff: BackoffSettings, random: RandomSource): number {
  const nominal = nominalDelayMs(countedPolls, backoff);
  const jittered = jitteredMs(nominal, backoff.jitter, () => clampUnit(random()));
  return Math.max(MIN_POLL_DELAY_MS, Math.floor(jittered));
}

/**
 * The delay after a rate-limit refusal (Zoom's 429 or the local limiter): at least its Retry-After,
 * plus a random spread so the recordings refused together come back spread out.
 */
export function rateLimitedDelayMs(
  retryAfterMs: number,
  settings: PollSettings,
  random: RandomSource,
): number {
  const spreadMs = clampUnit(random()) * settings.rateLimitJitterSeconds * 1_000;
  return Math.max(MIN_POLL_DELAY_MS, Math.ceil(Math.max(0, retryAfterMs) + spreadMs));
}

/** A due time `delayMs` from `now`, never after the deadline: the last check happens at the deadline. */
export function dueAtWithinDeadline(now: number, delayMs: number, deadlineAt: number | undefined): number {
  const due = now + delayMs;
  return deadlineAt === undefined ? due : Math.min(due, deadlineAt);
}

/**
 * An upper bound of the counted checks the schedule makes in `windowMs` after submission: every
 * delay at its jitter's lower bound, plus one check brought forward to the deadline when the
 * window ends there. Checks refused with a 429 come on top; they cost no Zoom quota. Operators
 * size rate limits with it; tests bound Zoom calls with it.
 */
export function maxPollsWithin(windowMs: number, settings: PollSettings): number {
  let elapsed = settings.firstDelaySeconds * 1_000;
  let polls = 0;
  while (elapsed <= windowMs) {
    polls += 1;
    elapsed += minimumDelayMs(polls, settings.backoff);
  }
  return polls + 1;
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    return 0;
  }
  return Math.min(value, 1);
}

/**
 * The wait of a recording whose Zoom account sends webhooks: the events bring the next poll
 * forward, so polling only has to catch one that never came, every `safetyIntervalSeconds`;
 * sooner when the analysis was seen without an evaluation, so NO_EVALUATION is not late by more
 * than its grace.
 */
export function safetyNetDelayMs(
  phase: 'not-found' | 'evaluating' | 'awaiting-evaluations',
  safetyIntervalSeconds: number,
  settings: Pick<PollSettings, 'noEvaluationGraceSeconds'>,
): number {
  const safetyMs = safetyIntervalSeconds * 1_000;
  const delayMs =
    phase === 'awaiting-evaluations'
      ? Math.min(safetyMs, settings.noEvaluationGraceSeconds * 1_000)
      : safetyMs;
  return Math.max(MIN_POLL_DELAY_MS, delayMs);
}
