import type { PollSettingsInput } from '../../../../shared/config/polling.ts';
import type { ZoomProfileInput } from '../../../../shared/config/zoom-profile.ts';
import { InMemoryMetrics } from '../../../../shared/observability/metrics.ts';
import type { PollMessage } from '../../../../shared/polling/poll-message.ts';
import { PollService, type PollServiceDependencies } from '../../../../shared/polling/poller.ts';
import type { Recording } from '../../../../shared/recordings/recording.ts';
import { RecordingPublisher } from '../../../helpers/polling-publisher.ts';
import { CapturingLogger } from '../../zoom/support/capturing-logger.ts';
import {
  InMemoryObservations,
  InMemoryResults,
  RecordingResubmitter,
  RecordingScheduler,
  ScriptedZoom,
  TestClock,
  zoomAccounts,
} from './fakes.ts';
import { aSubmittedRecording, MINUTE, pollSettings, SUBMITTED_AT } from './fixtures.ts';
import { InMemoryRecordings } from './in-memory-recordings.ts';

/** The settings the poller tests use unless they say otherwise. */
export const TEST_POLL_SETTINGS: PollSettingsInput = {
  backoff: { baseSeconds: 30, factor: 2, capSeconds: 900, jitter: 'equal' },
  rateLimitJitterSeconds: 4,
  noEvaluationGraceSeconds: 1_800,
  notFoundGraceSeconds: 7_200,
  leaseSeconds: 300,
};

/** A PollService over in-memory fakes, its recording's first poll due now. */
export function pollHarness(
  options: {
    recording?: Recording;
    settings?: PollSettingsInput;
    exporter?: PollServiceDependencies['exporter'];
    /** The Zoom profile's settings (e.g. webhooks on). */
    profile?: Partial<ZoomProfileInput>;
  } = {},
) {
  const clock = new TestClock(SUBMITTED_AT + MINUTE);
  const recording = options.recording ?? aSubmittedRecording();
  const recordings = new InMemoryRecordings(clock, recording);
  const zoom = new ScriptedZoom();
  const scheduler = new RecordingScheduler();
  const observations = new InMemoryObservations();
  const results = new InMemoryResults();
  const publisher = new RecordingPublisher();
  const resubmitter = new RecordingResubmitter(recordings);
  const metrics = new InMemoryMetrics();
  const logger = new CapturingLogger();
  const settings = pollSettings({ ...TEST_POLL_SETTINGS, ...options.settings });
  const service = new PollService({
    repository: recordings,
    scheduler,
    zoom: zoomAccounts(zoom, options.profile),
    observations,
    results,
    publisher,
    exporter: options.exporter,
    resubmitter,
    settings,
    clock,
    random: () => 0.5,
    logger,
    metrics,
  });
  const id = recording.recordingId;
  return {
    clock,
    recordings,
    zoom,
    scheduler,
    observations,
    results,
    publisher,
    resubmitter,
    metrics,
    logger,
    settings,
    service,
    id,
    /** The stored recording now. */
    current: () => recordings.current(id),
    /** The message that would wake the recording as it is stored now. */
    message: (): PollMessage => messageFor(recordings.current(id)),
  };
}

export function messageFor(recording: Recording): PollMessage {
  return {
    kind: 'poll',
    recordingId: recording.recordingId,
    pollSeq: recording.poll.pollSeq,
    dueAt: recording.poll.nextPollDueAt ?? recording.updatedAt,
  };
}
