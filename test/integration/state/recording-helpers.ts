import { randomUUID } from 'node:crypto';
import type { NewRecording, Recording } from '../../../shared/recordings/recording.ts';
import type { RecordingRepository } from '../../../shared/recordings/repository.ts';
import { isTerminal, type RecordingStatus, TRANSITIONS } from '../../../shared/recordings/state-machine.ts';
import type { Transition } from '../../../shared/recordings/transition.ts';

/** A new recording at a key of its own, so every test works on its own item. */
export function aNewRecording(overrides: Partial<NewRecording> = {}): NewRecording {
  return {
    zoomAccountId: 'acct-1',
    profile: 'default',
    bucket: 'recordings',
    key: `calls/2026-11-24/agent/${randomUUID()}.mp3`,
    contentIdentity: { kind: 'checksum', value: randomUUID() },
    size: 2048,
    contentType: 'audio/mpeg',
    receivedAt: Date.parse('2026-11-24T09:00:00Z'),
    metadata: { agentEmail: 'jane.doe@example.com', queueId: 'queue-7', startTime: '2026-11-24T08:55:00Z' },
    reason: 'S3 ObjectCreated:Put',
    ...overrides,
  };
}

/** A well-formed request to move `current` to `to`, whatever `to` needs (legal or not). */
export function requestFor(current: Recording, to: RecordingStatus, now: number): Transition {
  const reason = `test: ${current.status} -> ${to}`;
  if (to === 'SUBMITTED') {
    return {
      to,
      reason,
      interactionId: `IX-${randomUUID()}`,
      urlExpiresAt: now + 3_600_000,
      poll: { nextPollDueAt: now + 60_000, deadlineAt: now + 86_400_000 },
    };
  }
  if (isTerminal(to)) {
    return { to, reason, notification: { details: { test: true } } };
  }
  // RECEIVED is never a target; the cast lets the tests show the repository refuses it at run time.
  return { to, reason } as Transition;
}

/** The shortest way from RECEIVED to `status`, read from the transition table. */
export function pathTo(status: RecordingStatus): RecordingStatus[] {
  const previous = new Map<RecordingStatus, RecordingStatus>();
  const queue: RecordingStatus[] = ['RECEIVED'];
  for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
    for (const next of TRANSITIONS[current]) {
      if (next !== 'RECEIVED' && !previous.has(next)) {
        previous.set(next, current);
        queue.push(next);
      }
    }
  }
  const path: RecordingStatus[] = [];
  for (
    let step: RecordingStatus | undefined = status;
    step !== undefined && step !== 'RECEIVED';
    step = previous.get(step)
  ) {
    path.unshift(step);
  }
  return path;
}

/** Claims a new recording and moves it along the shortest legal path to `status`. */
export async function recordingIn(
  repository: RecordingRepository,
  status: RecordingStatus,
  now: number,
  overrides: Partial<NewRecording> = {},
): Promise<Recording> {
  let { recording } = await repository.claim(aNewRecording(overrides));
  for (const step of pathTo(status)) {
    recording = await repository.transition(recording, requestFor(recording, step, now));
  }
  return recording;
}
