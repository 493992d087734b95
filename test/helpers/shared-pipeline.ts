import type { ZoomSimulator } from '../../local/zoom-simulator/index.ts';
import type { EnvironmentSettingsInput } from '../../shared/config/environment.ts';
import { RUNTIME_VARIABLES } from '../../shared/config/runtime.ts';
import type { ZoomProfileInput } from '../../shared/config/zoom-profile.ts';
import type { TestTopics } from './polling-topics.ts';

/**
 * What the ingest and polling pipelines of the integration tests build alike: the Zoom secret
 * and profile that point at the simulator, and the QM_* variables of a function's container.
 * Kept in one place so both pipelines configure their functions exactly as a stack does.
 */

/** The simulator's credentials, as the Zoom secret of a profile holds them. */
export function simulatorSecret(simulator: ZoomSimulator): Record<string, string> {
  return {
    account_id: simulator.credentials.accountId,
    client_id: simulator.credentials.clientId,
    client_secret: simulator.credentials.clientSecret,
  };
}

/**
 * The `main` Zoom profile, talking to the simulator with its credentials in `secretName`. Local
 * limits are generous (`perSecond` for every bucket, the whole budget usable): the simulator's
 * limits are the ones under test. `overrides` replace any field.
 */
export function simulatorProfile(
  simulator: ZoomSimulator,
  secretName: string,
  perSecond: number,
  overrides: Partial<ZoomProfileInput> = {},
): ZoomProfileInput {
  return {
    name: 'main',
    secretName,
    apiBaseUrl: simulator.apiBaseUrl,
    oauthUrl: simulator.oauthUrl,
    planLimits: {
      LIGHT: { perSecond },
      MEDIUM: { perSecond },
      HEAVY: { perSecond, perDay: 1_000_000 },
    },
    limitFraction: 1,
    ...overrides,
  };
}

/** The resources a pipeline's functions are configured with. */
export interface PipelineResources {
  readonly settings: EnvironmentSettingsInput;
  readonly tableName: string;
  readonly ingestQueueUrl: string;
  readonly pollQueueUrl: string;
  readonly resultsBucket: string;
  readonly topics: Pick<TestTopics, 'notificationTopicArn' | 'alertTopicArn'>;
}

/** The QM_* variables of a function's container, as the stack sets them. */
export function runtimeEnvironment(resources: PipelineResources): Record<string, string> {
  return {
    [RUNTIME_VARIABLES.settings]: JSON.stringify(resources.settings),
    [RUNTIME_VARIABLES.tableName]: resources.tableName,
    [RUNTIME_VARIABLES.ingestQueueUrl]: resources.ingestQueueUrl,
    [RUNTIME_VARIABLES.pollQueueUrl]: resources.pollQueueUrl,
    [RUNTIME_VARIABLES.resultsBucket]: resources.resultsBucket,
    [RUNTIME_VARIABLES.notificationTopicArn]: resources.topics.notificationTopicArn,
    [RUNTIME_VARIABLES.alertTopicArn]: resources.topics.alertTopicArn,
  };
}
