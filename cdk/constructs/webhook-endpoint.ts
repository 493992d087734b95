import { CfnOutput, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Deployment } from '../../shared/config/deployment.ts';
import { type HttpFunctionDefinition, STACK_OUTPUTS } from '../../shared/config/resources.ts';
import { acknowledge, acknowledgeWildcardResource } from '../nag.ts';
import { type BundledFunction, definedFunction } from './bundled-function.ts';
import { grantActions, grantKeyUse, grantQueueSend } from './grants.ts';
import type { ZoomCredentialSecrets } from './zoom-credential-secrets.ts';

export interface WebhookEndpointProps {
  readonly deployment: Deployment;
  readonly definition: HttpFunctionDefinition;
  readonly apiName: string;
  readonly projectRoot: string;
  /** The QM_* variables every function gets. */
  readonly environment: Readonly<Record<string, string>>;
  readonly logRemovalPolicy: RemovalPolicy;
  readonly table: dynamodb.ITable;
  readonly pollQueue: sqs.IQueue;
  readonly zoomSecrets: ZoomCredentialSecrets;
}

/**
 * The receiver of Zoom's webhooks: an API Gateway HTTP API whose one route (POST
 * `definition.path`) invokes the webhook function. An HTTP API rather than a Lambda Function URL
 * because Zoom's requests are authenticated by their signature, not by IAM, so the endpoint is
 * public either way, and an HTTP API's stage throttle (rate and burst, answered 429, which Zoom
 * retries) stops a flood before it runs a function, while a Function URL's only brake is the
 * function's concurrency; it also writes an access log. The function reads the state table (the
 * interaction index), sends to the poll queue and reads the Zoom secrets; nothing else.
 */
export class WebhookEndpoint extends Construct {
  readonly function: BundledFunction;
  readonly api: apigw.HttpApi;
  /** The URL to give Zoom's event subscription. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebhookEndpointProps) {
    super(scope, id);
    const { definition, deployment } = props;
    this.function = definedFunction(
      this,
      'Receiver',
      definition,
      "Receives Zoom's QM webhooks and hands them to the poll queue",
      props,
    );
    const fn = this.function.function;
    acknowledge(
      fn,
      'Serverless-LambdaDLQ',
      'Invoked synchronously by the HTTP API: a failed request is answered 500 and Zoom delivers the event again.',
    );
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: deployment.retention.logRetentionDays,
      removalPolicy: props.logRemovalPolicy,
    });
    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: props.apiName,
      description: "Zoom's QM webhooks for qm-ingest",
      createDefaultStage: false,
    });
    const stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: definition.throttle.ratePerSecond, burstLimit: definition.throttle.burst },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        // One JSON object per request; no header or body, so no signature or payload is logged.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            sourceIp: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLatency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    const [route] = this.api.addRoutes({
      path: definition.path,
      methods: [apigw.HttpMethod.POST],
      integration: new HttpLambdaIntegration('Receiver', fn),
    });
    if (route !== undefined) {
      acknowledge(
        route,
        'AwsSolutions-APIG4',
        "Zoom cannot sign requests for IAM or present a token to an authorizer: every request is authenticated in the function by Zoom's HMAC signature (x-zm-signature, secret token per account) and refused with 401 otherwise.",
      );
    }
    this.url = `${stage.url.replace(/\/$/, '')}${definition.path}`;
    new CfnOutput(Stack.of(this), STACK_OUTPUTS.webhookUrl, {
      value: this.url,
      description: 'Zoom app -> Event Subscriptions -> Event notification endpoint URL',
    });
    this.#grant(props);
  }

  #grant(props: WebhookEndpointProps): void {
    const fn = this.function.function;
    const { table } = props;
    // Reads only: the interaction index finds the recording (each hit read in full from the table).
    grantActions(fn, ['dynamodb:GetItem'], [table.tableArn]);
    grantActions(fn, ['dynamodb:Query'], [`${table.tableArn}/index/*`]);
    grantKeyUse(fn, {
      key: table.encryptionKey,
      service: 'dynamodb',
      actions: ['kms:Decrypt'],
      contextValues: [table.tableName],
    });
    acknowledgeWildcardResource(
      fn,
      `${table.tableArn}/index/*`,
      "The state table's interaction index, which finds the recording of an event; no other table.",
    );
    grantQueueSend(fn, props.pollQueue);
    props.zoomSecrets.grantRead(fn);
  }
}
