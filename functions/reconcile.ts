import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import type { OutboxPublisher } from '../shared/notify/outbox-publisher.ts';
import type { LambdaObservability } from '../shared/observability/lambda-observability.ts';
import { observabilityMiddleware } from '../shared/observability/middleware.ts';
import type { PollScheduler } from '../shared/polling/ports.ts';
import { Reconciler, type ReconcileSummary } from '../shared/polling/reconciler.ts';
import { DelayedQueueSender } from '../shared/queue/delayed-sender.ts';
import { RecordingQueries } from '../shared/recordings/queries.ts';
import {
  builtOnFirstUse,
  type Container,
  defaultContainer,
  outboxPublisherOf,
  resultsExporterOf,
  unreadableItemReporter,
} from './container.ts';

/**
 * The reconciler function, on a schedule (every `polling.reconciler.intervalMinutes`): re-queues
 * the polls that went missing, ends the recordings past their deadline, ends the recordings stuck
 * before submission (shared/polling/stuck-sweep.ts), and publishes the notifications still
 * pending (shared/polling/reconciler.ts). It stops taking on work while it still has time to
 * finish what it started; the next run carries on.
 */

export interface ReconcileRuntime {
  readonly reconciler: Reconciler;
  readonly observability: LambdaObservability;
}

export interface ReconcileRuntimeOverrides {
  readonly publisher?: ((publisher: OutboxPublisher) => OutboxPublisher) | undefined;
  readonly scheduler?: ((scheduler: PollScheduler) => PollScheduler) | undefined;
}

/** The time kept back at the end of a run, at most: what one item's work may take. */
const MAX_SAFETY_MARGIN_MS = 10_000;

export function reconcileRuntime(
  container: Container,
  overrides: ReconcileRuntimeOverrides = {},
): ReconcileRuntime {
  const { settings, resources } = container.config;
  const { clock, observability } = container;
  const outbox = outboxPublisherOf(container);
  const reconciler = new Reconciler({
    queries: new RecordingQueries(container.dynamoDb, {
      tableName: resources.tableName,
      onUnreadable: unreadableItemReporter(container),
    }),
    repository: container.recordings,
    scheduler: overrides.scheduler?.(container.pollScheduler) ?? container.pollScheduler,
    lateChecks: new DelayedQueueSender(container.sqs, resources.pollQueueUrl, clock, 'late evaluation check'),
    publisher: overrides.publisher?.(outbox) ?? outbox,
    exporter: resultsExporterOf(container),
    settings: settings.polling,
    clock,
    logger: observability.logger,
    metrics: observability.metrics,
  });
  return { reconciler, observability };
}

/** A handler over the runtime `build` returns, built on the first invocation. */
export function createReconcileHandler(build: () => ReconcileRuntime) {
  const current = builtOnFirstUse(build);
  return middy<ScheduledEvent, ReconcileSummary>()
    .use(observabilityMiddleware<ScheduledEvent, ReconcileSummary>(() => current().observability))
    .handler(async (_event, context) => current().reconciler.run({ shouldStop: runningOutOfTime(context) }));
}

/**
 * True once less than a quarter of the function's time (at most {@link MAX_SAFETY_MARGIN_MS})
 * is left: enough to finish the item in hand.
 */
export function runningOutOfTime(context: Pick<Context, 'getRemainingTimeInMillis'>): () => boolean {
  const marginMs = Math.min(MAX_SAFETY_MARGIN_MS, context.getRemainingTimeInMillis() / 4);
  return () => context.getRemainingTimeInMillis() < marginMs;
}

/** The deployed function's entry point. */
export const handler = createReconcileHandler(() => reconcileRuntime(defaultContainer('reconcile')));
