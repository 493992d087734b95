import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { grantActions, grantKeyUse } from './grants.ts';

export interface EmptySecretProps {
  readonly secretName: string;
  readonly description: string;
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A secret created without a value: neither `SecretString` nor `GenerateSecretString` is in the
 * template (CloudFormation then creates an empty secret). CloudFormation writes a secret's value
 * only from those two properties, so no later change to the template can create a version over
 * the value an operator or a rotation stored. Until a value is stored, reading the secret fails
 * with ResourceNotFoundException, which the functions report with the secret's name.
 *
 * Built from the CloudFormation resource itself: CDK's Secret construct generates a value when
 * none is given, and adds to the key's policy a statement for the whole account, through Secrets
 * Manager, with ReEncrypt* and CreateGrant, which the key policy's delegation to IAM makes
 * needless (each reader gets its own conditioned grant, grantSecretRead).
 */
export interface EmptySecret {
  /** The secret, for grants and references. */
  readonly secret: secretsmanager.ISecret;
  /** Its CloudFormation resource, for tags and cdk-nag acknowledgements. */
  readonly resource: secretsmanager.CfnSecret;
}

export function emptySecret(scope: Construct, id: string, props: EmptySecretProps): EmptySecret {
  const resource = new secretsmanager.CfnSecret(scope, id, {
    name: props.secretName,
    description: props.description,
    kmsKeyId: props.encryptionKey.keyArn,
  });
  resource.applyRemovalPolicy(props.removalPolicy);
  // A secret's Ref is its complete ARN.
  const secret = secretsmanager.Secret.fromSecretAttributes(scope, `${id}Reference`, {
    secretCompleteArn: resource.ref,
    encryptionKey: props.encryptionKey,
  });
  return { secret, resource };
}

/**
 * GetSecretValue on one secret, and the decryption Secrets Manager does for it with the secret's
 * key (when the stack knows it: a secret referenced by name is encrypted with whatever key its
 * owner chose, granted there).
 */
export function grantSecretRead(grantee: iam.IGrantable, secret: secretsmanager.ISecret): void {
  grantActions(grantee, ['secretsmanager:GetSecretValue'], [secretArnPattern(secret)]);
  grantSecretKey(grantee, secret, ['kms:Decrypt']);
}

/** The secret's key, through Secrets Manager, for this secret only. */
export function grantSecretKey(
  grantee: iam.IGrantable,
  secret: secretsmanager.ISecret,
  actions: readonly string[],
): void {
  grantKeyUse(grantee, {
    key: secret.encryptionKey,
    service: 'secretsmanager',
    actions,
    contextValues: [secretArnPattern(secret)],
  });
}

/** The secret's full ARN, or its partial ARN with Secrets Manager's six-character suffix as a pattern. */
function secretArnPattern(secret: secretsmanager.ISecret): string {
  return secret.secretFullArn ?? `${secret.secretArn}-??????`;
}
