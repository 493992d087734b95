import { describe, expect, it } from 'vitest';
import {
  LOCAL_ZOOM_SECRET_NAME,
  localEnvironment,
  localSettingsInput,
  localTuningInput,
} from '../../../local/runtime/environment.ts';
import { parseDeployment, secretNamePrefix } from '../../../shared/config/deployment.ts';
import { defineResources } from '../../../shared/config/resources.ts';

const simulator = { apiBaseUrl: 'http://127.0.0.1:4572/v2', oauthUrl: 'http://127.0.0.1:4572/oauth/token' };

describe('localEnvironment', () => {
  it.each(['interactive', 'demo'] as const)(
    'is a valid deployment but for the simulator URLs (%s timing): every cross-field rule of the CDK stack holds',
    (timing) => {
      // Prepare
      const settings = localSettingsInput({
        timing,
        zoom: { apiBaseUrl: 'https://api.zoom.us/v2', oauthUrl: 'https://zoom.us/oauth/token' },
      });

      // Act
      const deployment = parseDeployment({ region: 'us-east-1', settings, ...localTuningInput() });

      // Assess
      expect(deployment.settings.name).toBe('local');
    },
  );

  it('points its one Zoom profile at the simulator, with credentials in a secret under the environment prefix', () => {
    // Act
    const { settings } = localEnvironment({ timing: 'interactive', zoom: simulator });

    // Assess
    expect(settings.zoomProfiles).toHaveLength(1);
    expect(settings.zoomProfiles[0]).toMatchObject({
      apiBaseUrl: simulator.apiBaseUrl,
      oauthUrl: simulator.oauthUrl,
      secretName: LOCAL_ZOOM_SECRET_NAME,
    });
    expect(LOCAL_ZOOM_SECRET_NAME.startsWith(secretNamePrefix('local'))).toBe(true);
  });

  it('shortens the demo timings below the interactive ones', () => {
    // Act
    const interactive = localEnvironment({ timing: 'interactive', zoom: simulator }).settings;
    const demo = localEnvironment({ timing: 'demo', zoom: simulator }).settings;

    // Assess
    expect(demo.ingest.sidecar.waitSeconds).toBeLessThan(interactive.ingest.sidecar.waitSeconds);
    expect(demo.polling.firstDelaySeconds).toBeLessThan(interactive.polling.firstDelaySeconds);
    expect(demo.polling.noEvaluationGraceSeconds).toBeLessThan(interactive.polling.noEvaluationGraceSeconds);
  });

  it('gives queues a visibility timeout of six times their function timeout, as the stack does', () => {
    // Prepare
    const { settings, tuning } = localEnvironment({ timing: 'demo', zoom: simulator });

    // Act
    const resources = defineResources(settings, tuning, { account: '000000000000', region: 'us-east-1' });

    // Assess
    expect(resources.queues.ingest.visibilityTimeoutSeconds).toBe(
      6 * resources.functions.ingest.timeoutSeconds,
    );
    expect(resources.names.table).toBe('qm-ingest-local-state');
    expect(resources.functions.reconcile.scheduleRateMinutes).toBe(1);
  });
});
