import type { DeploymentFields } from './deployment.ts';

/**
 * The rules of a deployment that relate fields to each other (each field's own rules are in the
 * schema, deployment.ts). Each issue names the field to change and why, never a value.
 */

const DAY_SECONDS = 86_400;

/** The prefix of every secret a stack creates for its environment, so two environments never share one. */
export function secretNamePrefix(environmentName: string): string {
  return `qm-ingest/${environmentName}/`;
}

/**
 * How long a URL signer key may still back live URLs once replaced: a function may sign with a
 * cached key for up to an hour after a rotation, and its URLs live `urlExpirySeconds`. A replaced
 * key is deleted at the following rotation, which must not come sooner.
 */
export function replacedSignerKeyLifetimeSeconds(settings: DeploymentFields['settings']): number {
  const keyCacheSeconds = 3_600;
  return settings.ingest.presign.urlExpirySeconds + keyCacheSeconds;
}

export interface DeploymentIssue {
  readonly path: PropertyKey[];
  readonly message: string;
}

/** Every rule across fields the deployment breaks. */
export function deploymentIssues(deployment: DeploymentFields): DeploymentIssue[] {
  return [
    ...timingIssues(deployment),
    ...secretIssues(deployment),
    ...bucketIssues(deployment),
    ...retentionIssues(deployment),
    ...zoomUrlIssues(deployment),
  ];
}

function timingIssues({ settings, functions, queues, urlSigner }: DeploymentFields): DeploymentIssue[] {
  const issues: DeploymentIssue[] = [];
  // A message ingest cannot record as a hold is redelivered until the DLQ takes it: the stuck
  // sweep must not end a recording before then, plus one maximal SQS delay.
  const ingestRedeliverySeconds =
    queues.maxReceiveCount * queues.visibilityTimeoutFactor * functions.ingest.timeoutSeconds + 900;
  if (settings.polling.reconciler.stuck.afterSeconds <= ingestRedeliverySeconds) {
    issues.push({
      path: ['settings', 'polling', 'reconciler', 'stuck', 'afterSeconds'],
      message: `must be longer than the ingest queue's redeliveries (queues.maxReceiveCount x queues.visibilityTimeoutFactor x functions.ingest.timeoutSeconds + 900 s = ${ingestRedeliverySeconds} s), or the sweep may end a recording ingest is still retrying`,
    });
  }
  if (settings.polling.leaseSeconds <= functions.poll.timeoutSeconds) {
    issues.push({
      path: ['settings', 'polling', 'leaseSeconds'],
      message: `must be longer than functions.poll.timeoutSeconds (${functions.poll.timeoutSeconds}): a poll lease must outlive the poller holding it`,
    });
  }
  const intervalSeconds = settings.polling.reconciler.intervalMinutes * 60;
  if (functions.reconcile.timeoutSeconds > intervalSeconds) {
    issues.push({
      path: ['functions', 'reconcile', 'timeoutSeconds'],
      message: `must not exceed the reconciler's interval (${intervalSeconds} s), or runs pile up`,
    });
  }
  const { signer } = settings.ingest.presign;
  if (
    signer.kind === 'iamUser' &&
    urlSigner.rotationDays * DAY_SECONDS < replacedSignerKeyLifetimeSeconds(settings)
  ) {
    issues.push({
      path: ['urlSigner', 'rotationDays'],
      message: `must outlast settings.ingest.presign.urlExpirySeconds plus an hour: a replaced key must stay valid for the URLs it signed`,
    });
  }
  return issues;
}

function secretIssues({ settings, zoomSecrets }: DeploymentFields): DeploymentIssue[] {
  const issues: DeploymentIssue[] = [];
  const prefix = secretNamePrefix(settings.name);
  const profileNames = new Set(settings.zoomProfiles.map((profile) => profile.name));
  for (const name of Object.keys(zoomSecrets)) {
    if (!profileNames.has(name)) {
      issues.push({ path: ['zoomSecrets', name], message: 'names no profile in settings.zoomProfiles' });
    }
  }
  const created = new Set<string>();
  settings.zoomProfiles.forEach((profile, index) => {
    if ((zoomSecrets[profile.name] ?? 'create') !== 'create') {
      return;
    }
    if (!profile.secretName.startsWith(prefix)) {
      issues.push({
        path: ['settings', 'zoomProfiles', index, 'secretName'],
        message: `a secret this stack creates must be named under "${prefix}" (or mark it zoomSecrets.${profile.name}: "existing")`,
      });
    }
    if (created.has(profile.secretName)) {
      issues.push({
        path: ['settings', 'zoomProfiles', index, 'secretName'],
        message: 'another profile creates the same secret: mark one of them "existing" in zoomSecrets',
      });
    }
    created.add(profile.secretName);
  });
  const { signer } = settings.ingest.presign;
  if (signer.kind === 'iamUser') {
    if (!signer.secretName.startsWith(prefix)) {
      issues.push({
        path: ['settings', 'ingest', 'presign', 'signer', 'secretName'],
        message: `the stack creates the URL signer's secret: it must be named under "${prefix}"`,
      });
    }
    if (created.has(signer.secretName)) {
      issues.push({
        path: ['settings', 'ingest', 'presign', 'signer', 'secretName'],
        message: 'must differ from every Zoom credentials secret',
      });
    }
  }
  return issues;
}

function bucketIssues({ settings, recordings }: DeploymentFields): DeploymentIssue[] {
  const issues: DeploymentIssue[] = [];
  settings.routes.forEach((route, index) => {
    const allowed = recordings.mode === 'existing' ? recordings.bucketName : undefined;
    if (route.bucket !== undefined && route.bucket !== allowed) {
      issues.push({
        path: ['settings', 'routes', index, 'bucket'],
        message:
          recordings.mode === 'existing'
            ? `must be omitted or be recordings.bucketName: the environment ingests from that one bucket`
            : 'must be omitted: the environment ingests from the one bucket its stack creates',
      });
    }
  });
  if (recordings.mode === 'create') {
    // S3 refuses two notification configurations whose prefix and suffix filters overlap.
    const prefixes = settings.ingest.recordingPrefixes;
    prefixes.forEach((prefix, index) => {
      const overlapping = prefixes.findIndex(
        (other, otherIndex) =>
          otherIndex !== index && prefix.startsWith(other) && (other !== prefix || otherIndex < index),
      );
      if (overlapping !== -1) {
        issues.push({
          path: ['settings', 'ingest', 'recordingPrefixes', index],
          message: `overlaps recordingPrefixes[${overlapping}]: S3 event notifications cannot overlap, keep the shorter prefix only`,
        });
      }
    });
    const { lifecycle } = recordings;
    const keptSeconds = (lifecycle.expireAfterDays ?? Number.POSITIVE_INFINITY) * DAY_SECONDS;
    if (keptSeconds <= settings.polling.deadlineSeconds + settings.ingest.sidecar.waitSeconds) {
      issues.push({
        path: ['recordings', 'lifecycle', 'expireAfterDays'],
        message:
          'must keep recordings longer than the sidecar wait plus the polling deadline: Zoom may still need to fetch one',
      });
    }
    if (
      lifecycle.expireAfterDays !== undefined &&
      lifecycle.transitionToInfrequentAccessAfterDays !== undefined &&
      lifecycle.transitionToInfrequentAccessAfterDays >= lifecycle.expireAfterDays
    ) {
      issues.push({
        path: ['recordings', 'lifecycle', 'transitionToInfrequentAccessAfterDays'],
        message: 'must come before expireAfterDays',
      });
    }
  }
  return issues;
}

function retentionIssues({ retention }: DeploymentFields): DeploymentIssue[] {
  if (retention.autoDeleteObjects && retention.removalPolicy !== 'destroy') {
    return [
      {
        path: ['retention', 'autoDeleteObjects'],
        message: 'only applies with removalPolicy "destroy": retained buckets keep their objects',
      },
    ];
  }
  return [];
}

/** A deployed function reaches Zoom over the internet: plain http (the local simulator's) is refused. */
function zoomUrlIssues({ settings }: DeploymentFields): DeploymentIssue[] {
  const issues: DeploymentIssue[] = [];
  settings.zoomProfiles.forEach((profile, index) => {
    for (const field of ['apiBaseUrl', 'oauthUrl'] as const) {
      if (!profile[field].startsWith('https://')) {
        issues.push({
          path: ['settings', 'zoomProfiles', index, field],
          message: 'must use https in a deployed environment (plain http is for the local simulator only)',
        });
      }
    }
  });
  return issues;
}
