import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Deployment } from '../shared/config/deployment.ts';
import { replacedSignerKeyLifetimeSeconds } from '../shared/config/deployment-rules.ts';
import { defineResources, type EnvironmentResources, stackNameOf } from '../shared/config/resources.ts';
import { BiExport } from './constructs/bi-export.ts';
import { EnvironmentKey } from './constructs/environment-key.ts';
import { expireHelperFunctionLogs } from './constructs/helper-function-logs.ts';
import { keyStateAlert } from './constructs/key-state-alert.ts';
import { OperatorRole } from './constructs/operator-role.ts';
import { PipelineFunctions } from './constructs/pipeline-functions.ts';
import { PipelineTopics } from './constructs/pipeline-topics.ts';
import { RecordingsSource } from './constructs/recordings-source.ts';
import { SecureBucket } from './constructs/secure-bucket.ts';
import { StateTable } from './constructs/state-table.ts';
import { UrlSigner } from './constructs/url-signer.ts';
import { WebhookEndpoint } from './constructs/webhook-endpoint.ts';
import { DeadLetterQueue, WorkQueue } from './constructs/work-queue.ts';
import { ZoomCredentialSecrets } from './constructs/zoom-credential-secrets.ts';
import { functionEnvironment } from './function-environment.ts';
import { acknowledge } from './nag.ts';
import { PipelineAlarms } from './observability/pipeline-alarms.ts';
import { PipelineDashboard } from './observability/pipeline-dashboard.ts';
import { addStackOutputs } from './stack-outputs.ts';

/** The first day partition projection reaches back to: before this release, nothing was exported. */
const BI_EXPORT_FIRST_DAY = '2026-01-01';

/** The repository root: functions/, package-lock.json and tsconfig.json live there. */
export const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface QmIngestStackProps extends StackProps {
  /** The environment's validated deployment configuration. */
  readonly deployment: Deployment;
  /** Where the handlers and the lock file are; this repository by default. */
  readonly projectRoot?: string;
}

/**
 * One qm-ingest environment: everything the ingest and poll paths run on, secured and observed.
 * Every physical name comes from the shared resource definition (shared/config/resources.ts),
 * which embeds the environment's name, so several environments deploy side by side in one account.
 */
export class QmIngestStack extends Stack {
  readonly resources: EnvironmentResources;

  constructor(scope: Construct, id: string, props: QmIngestStackProps) {
    const { deployment } = props;
    const { settings } = deployment;
    const retain = deployment.retention.removalPolicy === 'retain';
    super(scope, id, {
      ...props,
      stackName: stackNameOf(settings.name),
      env: { account: deployment.account, region: deployment.region },
      description: `qm-ingest ${settings.name}: call recordings in S3 to Zoom Quality Management`,
      terminationProtection: retain,
    });
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;
    // Retained on deletion and replacement, but deleted when the stack's first creation rolls
    // back (CloudFormation's RetainExceptOnCreate): a failed first deploy leaves no named bucket,
    // table, key, secret or log group behind to make every retry fail with "already exists".
    const dataRemoval = retain ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY;
    const autoDeleteObjects = !retain && deployment.retention.autoDeleteObjects;
    const resources = defineResources(settings, deployment, { account: this.account, region: this.region });
    const { names } = resources;
    this.resources = resources;

    const environmentKey = new EnvironmentKey(this, 'Key', {
      alias: names.keyAlias,
      description: `qm-ingest ${settings.name}: recordings, results, queues, state table, notifications and secrets`,
      removalPolicy: dataRemoval,
    });
    // S3 notifies the ingest queue; EventBridge feeds it (existing bucket) and the delivery DLQ.
    for (const service of ['s3', 'events'] as const) {
      environmentKey.allowServiceDelivery(service);
    }
    const { key } = environmentKey;
    // The alert topics hold no data: their key carries nothing worth retaining once the stack is gone.
    const alertsKey = new EnvironmentKey(this, 'AlertsKey', {
      alias: names.alertKeyAlias,
      description: `qm-ingest ${settings.name}: alert topics and undelivered alerts, apart from the data key so alarms outlive it`,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch alarms and the key-state rule publish alerts; SNS moves undeliverable ones to their DLQ.
    for (const service of ['cloudwatch', 'events', 'sns'] as const) {
      alertsKey.allowServiceDelivery(service);
    }
    const delivery = new DeadLetterQueue(this, 'DeliveryDeadLetters', {
      definition: resources.queues.delivery,
      encryptionKey: key,
    }).queue;
    const alertDelivery = new DeadLetterQueue(this, 'AlertDeliveryDeadLetters', {
      definition: resources.queues.alertDelivery,
      encryptionKey: alertsKey.key,
    }).queue;
    acknowledge(
      alertDelivery,
      'AwsSolutions-SQS3',
      'This queue is the dead-letter queue of the alert subscriptions and the key-state rule (SNS and EventBridge redrive, which the rule does not recognise).',
    );
    const ingestQueue = new WorkQueue(this, 'IngestQueue', {
      definition: resources.queues.ingest,
      encryptionKey: key,
    });
    const pollQueue = new WorkQueue(this, 'PollQueue', {
      definition: resources.queues.poll,
      encryptionKey: key,
    });

    const accessLogs = new SecureBucket(this, 'AccessLogs', {
      bucketName: names.accessLogsBucket,
      versioned: false,
      abortIncompleteUploadsAfterDays: 7,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(deployment.retention.accessLogExpireAfterDays),
        },
      ],
      removalPolicy: dataRemoval,
      autoDeleteObjects,
    }).bucket;
    const recordings = new RecordingsSource(this, 'Recordings', {
      source: deployment.recordings,
      bucketName: names.recordingsBucket,
      eventRuleName: names.recordingsEventRule,
      prefixes: settings.ingest.recordingPrefixes,
      suffixes: settings.ingest.recordingSuffixes,
      encryptionKey: key,
      accessLogsBucket: accessLogs,
      ingestQueue: ingestQueue.queue,
      deliveryDeadLetterQueue: delivery,
      removalPolicy: dataRemoval,
      autoDeleteObjects,
    });
    const { expireAfterDays: resultsExpireAfterDays } = deployment.results;
    const results = new SecureBucket(this, 'Results', {
      bucketName: names.resultsBucket,
      encryptionKey: key,
      // A results object overwritten or deleted by mistake can be restored for a while.
      versioned: true,
      accessLogs: { bucket: accessLogs, prefix: 'results/' },
      abortIncompleteUploadsAfterDays: 7,
      lifecycleRules: [
        {
          id: 'expire-replaced-results',
          noncurrentVersionExpiration: Duration.days(deployment.results.noncurrentVersionExpireAfterDays),
        },
        ...(resultsExpireAfterDays === undefined
          ? []
          : [{ id: 'expire-results', expiration: Duration.days(resultsExpireAfterDays) }]),
      ],
      removalPolicy: dataRemoval,
      autoDeleteObjects,
    }).bucket;
    const table = new StateTable(this, 'State', {
      tableName: resources.table.name,
      definition: resources.table.definition,
      encryptionKey: key,
      removalPolicy: dataRemoval,
    }).table;
    const topics = new PipelineTopics(this, 'Topics', {
      notificationTopicName: resources.topics.notifications,
      alertTopicName: resources.topics.alerts,
      alertFallbackTopicName: names.alertFallbackTopic,
      encryptionKey: key,
      alertsKey: alertsKey.key,
      alertEmails: deployment.alerts.emails,
      alertWebhookUrl: deployment.alerts.webhookUrl,
      alertDeliveryDeadLetterQueue: alertDelivery,
    });
    const keyStateRule = keyStateAlert(this, 'KeyState', {
      ruleName: names.keyStateRule,
      key,
      alertTopic: topics.alerts,
      deadLetterQueue: alertDelivery,
    });
    const zoomSecrets = new ZoomCredentialSecrets(this, 'ZoomCredentials', {
      profiles: settings.zoomProfiles,
      modes: deployment.zoomSecrets,
      encryptionKey: key,
      removalPolicy: dataRemoval,
    });
    const { signer } = settings.ingest.presign;
    const urlSigner =
      signer.kind === 'iamUser'
        ? new UrlSigner(this, 'UrlSigner', {
            userName: names.urlSignerUser,
            secretName: signer.secretName,
            rotationDays: deployment.urlSigner.rotationDays,
            replacedKeyLifetimeSeconds: replacedSignerKeyLifetimeSeconds(settings),
            rotationFunctionName: names.signerRotationFunction,
            recordings,
            encryptionKey: key,
            removalPolicy: dataRemoval,
            projectRoot,
            logLevel: deployment.functions.logLevel,
            logRetentionDays: deployment.retention.logRetentionDays,
          })
        : undefined;

    const environment = functionEnvironment(settings, {
      tableName: table.tableName,
      ingestQueueUrl: ingestQueue.queue.queueUrl,
      pollQueueUrl: pollQueue.queue.queueUrl,
      resultsBucket: results.bucketName,
      resultsKmsKeyId: key.keyArn,
      notificationTopicArn: topics.notifications.topicArn,
      alertTopicArn: topics.alerts.topicArn,
    });
    const functions = new PipelineFunctions(this, 'Functions', {
      deployment,
      resources,
      projectRoot,
      environment,
      logRemovalPolicy: dataRemoval,
      recordings,
      ingestQueue,
      pollQueue,
      deliveryDeadLetterQueue: delivery,
      table,
      results,
      topics,
      zoomSecrets,
      urlSigner,
    });

    const webhooks = new WebhookEndpoint(this, 'ZoomWebhooks', {
      deployment,
      definition: resources.functions.webhook,
      apiName: names.webhookApi,
      projectRoot,
      environment,
      logRemovalPolicy: dataRemoval,
      table,
      pollQueue: pollQueue.queue,
      zoomSecrets,
    });

    const resultsExport = settings.polling.results.export;
    if (resultsExport.enabled) {
      new BiExport(this, 'BiExport', {
        resultsBucket: results,
        keyPrefix: resultsExport.keyPrefix,
        writers: [functions.ingest.function, functions.poll.function, functions.reconcile.function],
        databaseName: names.glueDatabase,
        workGroupName: names.athenaWorkGroup,
        queryResultsBucketName: names.queryResultsBucket,
        encryptionKey: key,
        accessLogsBucket: accessLogs,
        firstDay: BI_EXPORT_FIRST_DAY,
        removalPolicy: dataRemoval,
        autoDeleteObjects,
      });
    }

    const workQueues = [
      { name: 'ingest', queue: ingestQueue.queue },
      { name: 'poll', queue: pollQueue.queue },
    ];
    const deadLetterQueues = [
      { name: 'ingest', queue: ingestQueue.deadLetterQueue },
      { name: 'poll', queue: pollQueue.deadLetterQueue },
      { name: 'delivery', queue: delivery },
    ];
    const alertDeadLetterQueues = [{ name: 'alert-delivery', queue: alertDelivery }];
    const monitoredFunctions = [
      { name: 'ingest', function: functions.ingest.function },
      { name: 'poll', function: functions.poll.function },
      { name: 'reconcile', function: functions.reconcile.function },
      { name: 'webhook', function: webhooks.function.function },
      ...(urlSigner === undefined
        ? []
        : [{ name: 'url-signer-rotation', function: urlSigner.rotation.function }]),
    ];
    const alarms = new PipelineAlarms(this, 'Alarms', {
      environmentName: settings.name,
      alarmPrefix: names.alarmPrefix,
      alertTopic: topics.alerts,
      alertFallbackTopic: topics.alertFallback,
      ...deployment.alarms,
      workQueues,
      deadLetterQueues,
      alertDeadLetterQueues,
      functions: monitoredFunctions,
      reconciler: {
        function: functions.reconcile.function,
        intervalMinutes: resources.functions.reconcile.scheduleRateMinutes,
      },
      keyStateRule,
    });
    const dashboard = new PipelineDashboard(this, 'Dashboard', {
      dashboardName: names.dashboard,
      environmentName: settings.name,
      periodMinutes: deployment.alarms.periodMinutes,
      workQueues,
      deadLetterQueues: [...deadLetterQueues, ...alertDeadLetterQueues],
      functions: monitoredFunctions,
      alarms: alarms.alarms,
    });
    const operator = new OperatorRole(this, 'Operator', {
      table,
      key,
      recordings,
      recordingPrefixes: settings.ingest.recordingPrefixes,
      results,
      ingestQueue,
      pollQueue,
      deliveryDeadLetterQueue: delivery,
      zoomSecrets,
    });
    addStackOutputs(this, {
      settings,
      recordingsBucket: recordings.bucket,
      resultsBucket: results,
      tableName: table.tableName,
      ingestQueue,
      pollQueue,
      deliveryDeadLetterQueue: delivery,
      topics,
      dashboardName: dashboard.dashboard.dashboardName,
      urlSignerSecretName: urlSigner?.secretName,
      operatorRoleArn: operator.role.roleArn,
    });

    expireHelperFunctionLogs(this, {
      retentionDays: deployment.retention.logRetentionDays,
      removalPolicy: dataRemoval,
    });
    Tags.of(this).add('qm-ingest:environment', settings.name);
    for (const [tagKey, value] of Object.entries(deployment.tags)) {
      Tags.of(this).add(tagKey, value);
    }
  }
}
