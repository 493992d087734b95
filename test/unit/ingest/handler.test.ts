import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createHandler, type IngestRuntime, processBatch } from '../../../functions/ingest.ts';
import type { IngestService } from '../../../shared/ingest/ingest-service.ts';
import { InMemoryMetrics } from '../../../shared/observability/metrics.ts';
import { CapturingStructuredLogger } from '../../helpers/shared-logging.ts';

function record(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '2',
      SentTimestamp: '0',
      SenderId: 'sender',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:ingest',
    awsRegion: 'eu-west-1',
  };
}

/** A runtime whose core fails the messages whose body says "boom". */
function runtime() {
  const logger = new CapturingStructuredLogger();
  const invocations: string[] = [];
  const service = {
    handleMessage: async (message: { messageId: string; body: string }) => {
      if (message.body === 'boom') {
        throw new Error('unexpected');
      }
      return [];
    },
  } as Pick<IngestService, 'handleMessage'> as IngestService;
  const value: IngestRuntime = {
    service,
    observability: {
      logger,
      metrics: new InMemoryMetrics(),
      middlewares: [
        {
          before: (request) => {
            invocations.push(`start ${request.context.awsRequestId}`);
          },
          after: () => {
            invocations.push('end');
          },
          onError: () => {
            invocations.push('end');
          },
        },
      ],
    },
  };
  return { value, logger, invocations };
}

describe('the ingest handler', () => {
  it('reports only the records that threw, so one bad record never fails its neighbours', async () => {
    // Prepare
    const { value, logger } = runtime();
    const event: SQSEvent = { Records: [record('a', 'ok'), record('b', 'boom'), record('c', 'ok')] };

    // Act
    const response = await processBatch(value, event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
    expect(logger.lines).toMatchObject([{ level: 'error', fields: { messageId: 'b', receiveCount: 2 } }]);
  });

  it('builds its runtime once, on the first invocation, and brackets each invocation for logs and metrics', async () => {
    // Prepare
    const built = runtime();
    let builds = 0;
    const handler = createHandler(() => {
      builds += 1;
      return built.value;
    });
    const context = { awsRequestId: 'req-1', functionName: 'ingest' } as Context;

    // Act
    await handler({ Records: [record('a', 'ok')] }, context);
    const second = await handler({ Records: [record('b', 'boom')] }, context);

    // Assess
    expect(builds).toBe(1);
    expect(second).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
    expect(built.invocations).toEqual(['start req-1', 'end', 'start req-1', 'end']);
  });
});
