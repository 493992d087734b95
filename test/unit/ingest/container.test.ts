import { describe, expect, it } from 'vitest';
import { Container, defaultContainer, resetDefaultContainers } from '../../../functions/container.ts';
import { ConfigError } from '../../../shared/errors.ts';
import { InMemoryMetrics } from '../../../shared/observability/metrics.ts';
import { TestClock, UNIT_RUNTIME_ENV } from '../../helpers/ingest-fakes.ts';
import { CapturingStructuredLogger } from '../../helpers/shared-logging.ts';

const env = UNIT_RUNTIME_ENV;

const observability = {
  logger: new CapturingStructuredLogger(),
  metrics: new InMemoryMetrics(),
  middlewares: [],
};

describe('the container', () => {
  it('reads nothing until a part is used, then fails naming the missing variable', () => {
    // Prepare
    const { QM_POLL_QUEUE_URL: _missing, ...incomplete } = env;
    const container = new Container({ serviceName: 'ingest', env: incomplete });

    // Act
    const read = () => container.config;

    // Assess
    expect(read).toThrow(ConfigError);
    expect(read).toThrow('env.pollQueueUrl');
  });

  it("builds each part once and keeps it for the container's life", () => {
    // Prepare
    const clock = new TestClock();
    const container = new Container({ serviceName: 'ingest', env, overrides: { clock, observability } });

    // Act
    const first = [
      container.config,
      container.s3,
      container.sqs,
      container.recordings,
      container.zoomClients,
      container.pollScheduler,
    ];
    const second = [
      container.config,
      container.s3,
      container.sqs,
      container.recordings,
      container.zoomClients,
      container.pollScheduler,
    ];

    // Assess
    second.forEach((part, index) => {
      expect(part).toBe(first[index]);
    });
    expect(container.clock).toBe(clock);
    expect(container.zoomClients.forProfile('main').profile.secretName).toBe('qm-ingest/unit/zoom');
    expect(container.observability).toBe(observability);
  });

  it('keeps one default container per function until reset', () => {
    // Act
    const first = defaultContainer('ingest');
    const again = defaultContainer('ingest');
    resetDefaultContainers();
    const fresh = defaultContainer('ingest');

    // Assess
    expect(again).toBe(first);
    expect(fresh).not.toBe(first);
  });
});
