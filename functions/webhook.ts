import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { LambdaObservability } from '../shared/observability/lambda-observability.ts';
import { observabilityMiddleware } from '../shared/observability/middleware.ts';
import { DelayedQueueSender } from '../shared/queue/delayed-sender.ts';
import { ProfileWebhookAccounts } from '../shared/webhooks/accounts.ts';
import { WebhookReceiver, type WebhookRequest, type WebhookResponse } from '../shared/webhooks/receiver.ts';
import { builtOnFirstUse, type Container, defaultContainer } from './container.ts';

/**
 * The webhook function, behind the environment's HTTP API (cdk/constructs/webhook-endpoint.ts):
 * each request from Zoom, its body as the bytes that were signed, handed to the receiver core
 * (shared/webhooks/receiver.ts), whose answer is mapped to the HTTP response. It never calls Zoom.
 */

export interface WebhookRuntime {
  readonly receiver: WebhookReceiver;
  readonly observability: LambdaObservability;
}

export function webhookRuntime(container: Container): WebhookRuntime {
  const { settings, resources } = container.config;
  const { clock, observability } = container;
  const queue = new DelayedQueueSender(container.sqs, resources.pollQueueUrl, clock, 'webhook signal');
  const receiver = new WebhookReceiver({
    accounts: new ProfileWebhookAccounts(
      settings.zoomProfiles,
      (profile) => container.zoomClients.forProfile(profile).credentials,
      (profile, error) =>
        observability.logger.error("A Zoom profile's webhooks cannot be verified; its events are refused", {
          profile,
          error,
        }),
    ),
    recordings: container.recordings,
    signals: { send: (signal) => queue.send(signal) },
    clock,
    logger: observability.logger,
    metrics: observability.metrics,
  });
  return { receiver, observability };
}

/** The request as the receiver reads it: the body's bytes as sent (HTTP API hands text bodies over as they came). */
export function webhookRequestOf(event: APIGatewayProxyEventV2): WebhookRequest {
  const body = event.body ?? '';
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return {
    rawBody: Buffer.from(body, event.isBase64Encoded ? 'base64' : 'utf8'),
    header: (name) => headers[name],
  };
}

export function httpResponseOf(response: WebhookResponse): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.status,
    headers: { 'content-type': 'application/json' },
    body: response.body === undefined ? '' : JSON.stringify(response.body),
  };
}

/** A handler over the runtime `build` returns, built on the first invocation. */
export function createWebhookHandler(build: () => WebhookRuntime) {
  const current = builtOnFirstUse(build);
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(
      observabilityMiddleware<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(
        () => current().observability,
      ),
    )
    .handler(async (event) => httpResponseOf(await current().receiver.receive(webhookRequestOf(event))));
}

/** The deployed function's entry point. */
export const handler = createWebhookHandler(() => webhookRuntime(defaultContainer('webhook')));
