import { Logger } from '@aws-lambda-powertools/logger';
import { createIamClient, createSecretsManagerClient } from '../../shared/aws/clients.ts';
import { systemClock } from '../../shared/clock.ts';
import { loadSignerRotationConfig } from '../../shared/config/runtime.ts';
import { rotateSignerKey, rotationEventSchema } from './rotation.ts';

/**
 * The URL signer's rotation function, invoked by Secrets Manager for each rotation step. Clients
 * are built once per container; the logic is in rotation.ts. The secret's values are never logged.
 */

const logger = new Logger({ serviceName: 'url-signer-rotation' });
// IAM is global; the SDK resolves its endpoint from the function's region and partition.
const dependencies = {
  secretsManager: createSecretsManagerClient(),
  iam: createIamClient(),
  logger,
  clock: systemClock,
  replacedKeyLifetimeMs: loadSignerRotationConfig().replacedKeyLifetimeSeconds * 1_000,
};

export async function handler(event: unknown): Promise<void> {
  const parsed = rotationEventSchema.safeParse(event);
  if (!parsed.success) {
    logger.error('Not a Secrets Manager rotation event', {
      issues: parsed.error.issues.map((issue) => issue.path.join('.')),
    });
    throw new Error('Not a Secrets Manager rotation event');
  }
  logger.info('Rotation step', { step: parsed.data.Step, secretId: parsed.data.SecretId });
  await rotateSignerKey(parsed.data, dependencies);
}
