import { describe, expect, it } from 'vitest';
import { PIPELINE_METRICS } from '../../cdk/observability/metric-catalog.ts';
import { STACK_OUTPUTS, WEBHOOK_PATH } from '../../shared/config/resources.ts';
import { synthesizedPerFile } from './helpers/synthesis-per-file.ts';
import { grantsOf, refOf, resourceNamed, resourcesOf } from './helpers/template.ts';

const synthesis = synthesizedPerFile();

describe.each(['dev', 'staging', 'prod'])('the Zoom webhook endpoint of %s', (name) => {
  const env = () => synthesis.get(name);
  const api = () =>
    resourceNamed(env().template, 'AWS::ApiGatewayV2::Api', 'Name', `qm-ingest-${name}-webhook`);

  it('is an HTTP API whose one route, POST /zoom/webhook, invokes the webhook function', () => {
    const { template, stack } = env();
    const routes = resourcesOf(template, 'AWS::ApiGatewayV2::Route');
    expect(api().properties['ProtocolType']).toBe('HTTP');
    expect(routes.map((route) => route.properties['RouteKey'])).toEqual([`POST ${WEBHOOK_PATH}`]);
    const [integration] = resourcesOf(template, 'AWS::ApiGatewayV2::Integration');
    const fn = resourceNamed(
      template,
      'AWS::Lambda::Function',
      'FunctionName',
      stack.resources.names.functions.webhook,
    );
    expect(JSON.stringify(integration?.properties['IntegrationUri'])).toContain(fn.logicalId);
  });

  it('throttles its stage as the deployment says, and logs each request as JSON', () => {
    const { template, deployment } = env();
    const [stage] = resourcesOf(template, 'AWS::ApiGatewayV2::Stage');
    expect(stage?.properties['StageName']).toBe('$default');
    expect(stage?.properties['DefaultRouteSettings']).toEqual({
      ThrottlingRateLimit: deployment.functions.webhook.throttleRatePerSecond,
      ThrottlingBurstLimit: deployment.functions.webhook.throttleBurst,
    });
    const logSettings = stage?.properties['AccessLogSettings'] as { Format: string };
    expect(JSON.parse(logSettings.Format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
    });
  });

  it('gives its URL as a stack output', () => {
    const outputs = env().template.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
    const value = JSON.stringify(outputs[STACK_OUTPUTS.webhookUrl]?.Value);
    expect(value).toContain(api().logicalId);
    expect(value).toContain(WEBHOOK_PATH);
  });

  it('lets the function read the state table, send to the poll queue and read the Zoom secrets: nothing else', () => {
    const { template, stack, deployment } = env();
    const fn = resourceNamed(
      template,
      'AWS::Lambda::Function',
      'FunctionName',
      stack.resources.names.functions.webhook,
    );
    const [roleId] = (fn.properties['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    const actions = new Set(grantsOf(template, roleId).map((entry) => entry.split(' ')[0]));
    expect(actions).toContain('dynamodb:Query');
    expect(actions).toContain('sqs:SendMessage');
    expect(actions).toContain('secretsmanager:GetSecretValue');
    for (const refused of [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'sns:Publish',
      's3:PutObject',
      'sqs:ReceiveMessage',
    ]) {
      expect(actions).not.toContain(refused);
    }
    const secrets = deployment.settings.zoomProfiles.map((profile) =>
      JSON.stringify(
        refOf(resourceNamed(template, 'AWS::SecretsManager::Secret', 'Name', profile.secretName).logicalId),
      ),
    );
    for (const secret of secrets) {
      expect(grantsOf(template, roleId)).toContain(`secretsmanager:GetSecretValue ${secret}`);
    }
  });

  it('raises an alarm on a run of refused signatures', () => {
    const { template, deployment } = env();
    const alarm = resourceNamed(
      template,
      'AWS::CloudWatch::Alarm',
      'AlarmName',
      `qm-ingest-${name}-webhook-signatures-rejected`,
    );
    expect(alarm.properties['Threshold']).toBe(deployment.alarms.webhookRejectedPerPeriod);
    expect(JSON.stringify(alarm.properties['Metrics'])).toContain(`SUM(${PIPELINE_METRICS.webhookRejected})`);
  });
});
