import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LambdaObservability } from '../../../shared/observability/lambda-observability.ts';
import { recordingKeys } from '../../../shared/observability/logger.ts';
import { InMemoryMetrics } from '../../../shared/observability/metrics.ts';
import { createPowertoolsObservability } from '../../../shared/observability/powertools.ts';

const context = {
  functionName: 'qm-ingest-test-ingest',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:qm-ingest-test-ingest',
  memoryLimitInMB: '256',
  awsRequestId: 'request-1',
} as Context;

let written: string[];

/** The invocation's request as middy hands it to the observability's middlewares. */
const request = () => ({ event: {}, context, response: null, error: null, internal: {} });

/** What the handler's middleware does before the handler runs. */
async function startInvocation(observability: LambdaObservability): Promise<void> {
  for (const middleware of observability.middlewares) {
    await middleware.before?.(request());
  }
}

/** What the handler's middleware does after the handler returned. */
async function endInvocation(observability: LambdaObservability): Promise<void> {
  for (const middleware of [...observability.middlewares].reverse()) {
    await middleware.after?.(request());
  }
}

beforeEach(() => {
  written = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** Every JSON line written so far. */
function lines(): Record<string, unknown>[] {
  return written
    .join('')
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('Powertools-backed observability', () => {
  it('writes structured JSON lines with the Lambda context and a recording correlation id', async () => {
    // Prepare
    const observability = createPowertoolsObservability({ serviceName: 'ingest', environment: 'test' });
    await startInvocation(observability);

    // Act
    observability.logger.child(recordingKeys('rec-1')).info('Recording claimed', { profile: 'main' });

    // Assess
    expect(lines()).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        message: 'Recording claimed',
        service: 'ingest',
        environment: 'test',
        correlation_id: 'rec-1',
        recordingId: 'rec-1',
        profile: 'main',
        function_request_id: 'request-1',
      }),
    );
  });

  it('redacts presigned URL signatures in messages and fields', () => {
    // Prepare
    const observability = createPowertoolsObservability({ serviceName: 'ingest', environment: 'test' });
    const url =
      'https://b.s3.amazonaws.com/k.mp3?X-Amz-Credential=AKIA%2F&X-Amz-Signature=abcdef0123&X-Amz-Expires=3600';

    // Act
    observability.logger.warn(`Fetched ${url}`, { url });

    // Assess
    const output = written.join('');
    expect(output).not.toContain('abcdef0123');
    expect(output).toContain('X-Amz-Signature=[REDACTED]');
  });

  it('writes counts as EMF: dimensioned ones at once, the others when the invocation ends', async () => {
    // Prepare
    const observability = createPowertoolsObservability({ serviceName: 'ingest', environment: 'test' });
    await startInvocation(observability);

    // Act
    observability.metrics.count('RecordingsReceived');
    observability.metrics.count('RecordingsRejected', 1, { reason: 'too-large' });
    const beforeEnd = lines().filter((line) => '_aws' in line);
    await endInvocation(observability);
    const afterEnd = lines().filter((line) => '_aws' in line);

    // Assess
    expect(beforeEnd).toContainEqual(
      expect.objectContaining({
        RecordingsRejected: 1,
        reason: 'too-large',
        environment: 'test',
        service: 'ingest',
      }),
    );
    expect(beforeEnd.some((line) => 'RecordingsReceived' in line)).toBe(false);
    expect(afterEnd).toContainEqual(expect.objectContaining({ RecordingsReceived: 1, environment: 'test' }));
    const received = afterEnd.find((line) => 'RecordingsReceived' in line) as {
      _aws: { CloudWatchMetrics: { Namespace: string }[] };
    };
    expect(received._aws.CloudWatchMetrics[0]?.Namespace).toBe('QmIngest');
  });

  it('writes durations as EMF in milliseconds, so CloudWatch gives their percentiles', async () => {
    // Prepare
    const observability = createPowertoolsObservability({ serviceName: 'poll', environment: 'test' });
    await startInvocation(observability);

    // Act
    observability.metrics.duration('DropToResultMs', 4_250);
    observability.metrics.duration('DropToResultMs', 1_500, { status: 'EVALUATED' });
    const beforeEnd = lines().filter((line) => '_aws' in line);
    await endInvocation(observability);
    const afterEnd = lines().filter((line) => '_aws' in line);

    // Assess
    const unitOf = (line: Record<string, unknown> | undefined) =>
      (
        line as { _aws: { CloudWatchMetrics: { Metrics: { Name: string; Unit: string }[] }[] } } | undefined
      )?._aws.CloudWatchMetrics[0]?.Metrics.find((metric) => metric.Name === 'DropToResultMs')?.Unit;
    const dimensioned = beforeEnd.find((line) => line['status'] === 'EVALUATED');
    expect(dimensioned).toMatchObject({ DropToResultMs: 1_500, environment: 'test' });
    expect(unitOf(dimensioned)).toBe('Milliseconds');
    const buffered = afterEnd.find((line) => line['DropToResultMs'] === 4_250);
    expect(unitOf(buffered)).toBe('Milliseconds');
  });

  it('writes nothing at the end of an invocation that buffered no metric', async () => {
    // Prepare
    const observability = createPowertoolsObservability({ serviceName: 'poll', environment: 'test' });
    await startInvocation(observability);
    observability.metrics.count('PollsDropped', 1, { why: 'stale' });
    const beforeEnd = written.length;

    // Act
    await endInvocation(observability);

    // Assess
    expect(written.slice(beforeEnd)).toEqual([]);
  });

  it('counts a cold start once per on-demand execution environment', async () => {
    // Prepare
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const observability = createPowertoolsObservability({ serviceName: 'ingest', environment: 'test' });

    // Act
    await startInvocation(observability);
    await endInvocation(observability);
    await startInvocation(observability);
    await endInvocation(observability);

    // Assess
    expect(lines().filter((line) => 'ColdStart' in line)).toHaveLength(1);
  });
});

describe('InMemoryMetrics', () => {
  it('sums a count over the points whose dimensions match', () => {
    // Prepare
    const metrics = new InMemoryMetrics();

    // Act
    metrics.count('ZoomCalls', 1, { label: 'HEAVY', operation: 'createInteraction' });
    metrics.count('ZoomCalls', 2, { label: 'LIGHT', operation: 'listInteractions' });
    metrics.count('ZoomCalls', 1, { label: 'HEAVY', operation: 'createInteraction' });

    // Assess
    expect(metrics.total('ZoomCalls')).toBe(4);
    expect(metrics.total('ZoomCalls', { label: 'HEAVY' })).toBe(2);
    expect(metrics.total('ZoomRateLimited')).toBe(0);
  });

  it('keeps durations apart from counts, with their dimensions', () => {
    // Prepare
    const metrics = new InMemoryMetrics();

    // Act
    metrics.duration('DropToResultMs', 4_250, { status: 'EVALUATED' });
    metrics.duration('DropToResultMs', 900, { status: 'TIMED_OUT' });
    metrics.count('DropToResultMs');

    // Assess
    expect(metrics.durations('DropToResultMs')).toEqual([4_250, 900]);
    expect(metrics.durations('DropToResultMs', { status: 'TIMED_OUT' })).toEqual([900]);
    expect(metrics.total('DropToResultMs')).toBe(1);
  });
});
