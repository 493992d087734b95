import { type RuntimeTuning, runtimeTuningSchema, secretNamePrefix } from '../../shared/config/deployment.ts';
import {
  type EnvironmentSettings,
  type EnvironmentSettingsInput,
  LOCAL_ENVIRONMENT_NAME,
  parseEnvironmentSettings,
} from '../../shared/config/environment.ts';
import type { IngestSettings } from '../../shared/config/ingest.ts';
import { parseConfig } from '../../shared/config/parse.ts';
import type { PollSettingsInput } from '../../shared/config/polling.ts';
import type { ResourceLocation } from '../../shared/config/resources.ts';

/**
 * The local runtime's environment: the same schemas as a deployed one (environment settings and
 * the runtime tuning of cdk/environments/*.json), with one Zoom profile pointing at the local
 * simulator, whose credentials live in the local Secrets Manager secret. Timings are shortened to
 * the simulator's compressed clock: a person watching `npm start` sees results in seconds, and the
 * demo finishes in well under a minute. Nothing else differs from a deployment.
 */

export { LOCAL_ENVIRONMENT_NAME };

/** The one Zoom profile: the simulator's account. */
export const LOCAL_ZOOM_PROFILE = 'simulator';

/** Where the simulator's credentials are stored, under the prefix a stack would create them with. */
export const LOCAL_ZOOM_SECRET_NAME = `${secretNamePrefix(LOCAL_ENVIRONMENT_NAME)}zoom/${LOCAL_ZOOM_PROFILE}`;

/** The prefix recordings are dropped under. */
export const LOCAL_RECORDING_PREFIX = 'calls/';

/**
 * The local stand-in for a bucket qm-ingest does not own (a deployment's `recordings` in mode
 * `existing`): the runtime turns its EventBridge notifications on, as its owner would, and routes
 * its "Object Created" events under the recording prefixes to the ingest queue with the rule the
 * stack creates for such a bucket. Bucket names are global: like the stack's, it carries the
 * account and region.
 */
export function localExistingBucketName(location: ResourceLocation): string {
  return `qm-${LOCAL_ENVIRONMENT_NAME}-existing-recordings-${location.account}-${location.region}`;
}

/** Recordings whose key follows it need no other metadata (see the ingest README). */
export const LOCAL_KEY_TEMPLATE = `${LOCAL_RECORDING_PREFIX}{date}/{agent_email}/{direction}-{time}.{ext}`;

/**
 * `interactive`: a person drops files by hand against the default scenario (Zoom's minutes become
 * seconds). `demo`: the demo's scripted run against its own scenario, where every wait is as short
 * as the settings allow.
 */
export type LocalTiming = 'interactive' | 'demo';

export interface LocalEnvironment {
  readonly settings: EnvironmentSettings;
  readonly tuning: RuntimeTuning;
}

export interface LocalEnvironmentOptions {
  readonly timing: LocalTiming;
  /** The simulator's QM API base URL (with /v2) and OAuth token URL. */
  readonly zoom: {
    readonly apiBaseUrl: string;
    readonly oauthUrl: string;
    /**
     * Whether the simulator's scenario honours Idempotency-Key (the hostile one does not): the
     * profile says so, as a real account's must, so ingest looks an uncertain POST up instead of
     * posting again. False when absent, as Zoom documents no such header.
     */
    readonly honoursIdempotencyKey?: boolean | undefined;
  };
  /** Whether the simulator's account sends webhooks (on unless `--no-webhooks`). */
  readonly webhooks?: boolean | undefined;
  /** Polling settings over the timing's (the bench compares schedules), and the webhooks' safety interval. */
  readonly polling?: PollSettingsInput | undefined;
  readonly safetyIntervalSeconds?: number | undefined;
}

interface TimingProfile {
  readonly sidecar: Pick<IngestSettings['sidecar'], 'waitSeconds' | 'recheckSeconds'>;
  /** How long, and how often, an uncertain POST's interaction is looked for in the simulator's listing. */
  readonly uncertainPost: Pick<
    IngestSettings['uncertainPost'],
    'patienceSeconds' | 'minRecheckSeconds' | 'maxRecheckSeconds'
  >;
  readonly polling: PollSettingsInput;
  /** With webhooks on: how long polling waits between safety-net checks. */
  readonly safetyIntervalSeconds: number;
}

const TIMINGS: Readonly<Record<LocalTiming, TimingProfile>> = {
  interactive: {
    // A missed event is caught within this; the default scenario's events come within a minute.
    safetyIntervalSeconds: 20,
    // Long enough to upload a sidecar by hand after its recording.
    sidecar: { waitSeconds: 60, recheckSeconds: 5 },
    // The hostile scenario's longest analysis is 72 s here: twice that, looked at every 2 to 15 s.
    uncertainPost: { patienceSeconds: 300, minRecheckSeconds: 2, maxRecheckSeconds: 15 },
    polling: {
      firstDelaySeconds: 2,
      deadlineSeconds: 1_800,
      backoff: { baseSeconds: 2, factor: 1.5, capSeconds: 15 },
      rateLimitJitterSeconds: 2,
      // The default scenario analyses for up to 18 s and evaluates for up to 36 s.
      noEvaluationGraceSeconds: 60,
      notFoundGraceSeconds: 120,
      leaseSeconds: 90,
      reconciler: {
        intervalMinutes: 1,
        overdueSlackSeconds: 10,
        notificationMinAgeSeconds: 5,
      },
      // Without webhooks: a finished recording's pending manual evaluations looked for every 30 s for an hour.
      lateEvaluations: { intervalSeconds: 30, windowSeconds: 3_600 },
    },
  },
  demo: {
    safetyIntervalSeconds: 5,
    // The demo uploads its late sidecar about 2 s after the recording.
    sidecar: { waitSeconds: 6, recheckSeconds: 1 },
    uncertainPost: { patienceSeconds: 60, minRecheckSeconds: 1, maxRecheckSeconds: 3 },
    polling: {
      firstDelaySeconds: 1,
      deadlineSeconds: 300,
      backoff: { baseSeconds: 1, factor: 1.5, capSeconds: 2, jitter: 'none' },
      rateLimitJitterSeconds: 1,
      // The demo scenario shows an interaction 1.2 s after its download and evaluates it 1.8 s later.
      noEvaluationGraceSeconds: 3,
      notFoundGraceSeconds: 30,
      leaseSeconds: 60,
      reconciler: {
        intervalMinutes: 1,
        overdueSlackSeconds: 5,
        notificationMinAgeSeconds: 2,
      },
      lateEvaluations: { intervalSeconds: 5, windowSeconds: 600 },
    },
  },
};

/** The environment settings as written, before validation (what {@link localEnvironment} parses). */
export function localSettingsInput(options: LocalEnvironmentOptions): EnvironmentSettingsInput {
  const timing = TIMINGS[options.timing];
  return {
    name: LOCAL_ENVIRONMENT_NAME,
    zoomProfiles: [
      {
        name: LOCAL_ZOOM_PROFILE,
        secretName: LOCAL_ZOOM_SECRET_NAME,
        apiBaseUrl: options.zoom.apiBaseUrl,
        oauthUrl: options.zoom.oauthUrl,
        honoursIdempotencyKey: options.zoom.honoursIdempotencyKey ?? false,
        webhooks: {
          enabled: options.webhooks ?? true,
          safetyIntervalSeconds: options.safetyIntervalSeconds ?? timing.safetyIntervalSeconds,
        },
      },
    ],
    defaultProfile: LOCAL_ZOOM_PROFILE,
    ingest: {
      recordingPrefixes: [LOCAL_RECORDING_PREFIX],
      keyTemplate: LOCAL_KEY_TEMPLATE,
      sourceTimeZone: 'UTC',
      sidecar: timing.sidecar,
      uncertainPost: timing.uncertainPost,
      // Long enough for the simulator's download, short enough that a failed one is retried soon.
      presign: { urlExpirySeconds: 900 },
      retries: { baseDelaySeconds: 2, maxDelaySeconds: 30, rateLimitJitterSeconds: 1 },
    },
    polling: { ...timing.polling, ...options.polling },
  };
}

/**
 * Function timeouts short enough that a message a function failed is retried within minutes (the
 * queues' visibility timeouts are 6x these, as in the cloud), long enough for any local call.
 */
const LOCAL_TUNING_INPUT = {
  functions: {
    ingest: { timeoutSeconds: 30 },
    poll: { timeoutSeconds: 30 },
    reconcile: { timeoutSeconds: 50 },
    logLevel: 'INFO',
  },
} as const;

/** The local environment, validated by the deployment's own schemas. */
export function localEnvironment(options: LocalEnvironmentOptions): LocalEnvironment {
  return {
    settings: parseEnvironmentSettings(localSettingsInput(options), 'local.settings'),
    tuning: parseConfig(runtimeTuningSchema, LOCAL_TUNING_INPUT, 'local', 'local runtime tuning'),
  };
}

/** The tuning as written, for checks that combine it with the settings (see the unit tests). */
export function localTuningInput(): typeof LOCAL_TUNING_INPUT {
  return LOCAL_TUNING_INPUT;
}
