import { Duration, type RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { LogRetentionDays } from '../../shared/config/deployment.ts';
import { SIGNER_ROTATION_VARIABLES } from '../../shared/config/runtime.ts';
import { acknowledge } from '../nag.ts';
import { SIGNER_USER_TAG } from '../signer-rotation/rotation.ts';
import { BundledFunction, type LogLevel } from './bundled-function.ts';
import { grantActions } from './grants.ts';
import type { RecordingsSource } from './recordings-source.ts';
import { emptySecret, grantSecretKey, grantSecretRead } from './secret-values.ts';

export interface UrlSignerProps {
  readonly userName: string;
  readonly secretName: string;
  readonly rotationDays: number;
  /** How long a replaced key may still back live URLs: the rotation refuses to delete it sooner. */
  readonly replacedKeyLifetimeSeconds: number;
  readonly rotationFunctionName: string;
  readonly recordings: RecordingsSource;
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly projectRoot: string;
  readonly logLevel: LogLevel;
  readonly logRetentionDays: LogRetentionDays;
}

/** One rotation at a time: two at once would each delete the other's new key. */
const ROTATION_CONCURRENCY = 1;

/**
 * The optional dedicated signer of download URLs, for URLs that must outlive a Lambda role's
 * temporary credentials (which end a URL early, whatever its expiry). An IAM user that may only
 * read recordings under the recording prefixes (and decrypt them); its access key lives in a
 * Secrets Manager secret that a rotation function replaces every `rotationDays`. The secret is
 * created empty, and its first key is created by the rotation Secrets Manager runs as soon as the
 * schedule exists: no key is ever written in a template, and no template change can overwrite one.
 */
export class UrlSigner extends Construct {
  readonly user: iam.User;
  readonly secret: secretsmanager.ISecret;
  readonly rotation: BundledFunction;
  /** The secret's name, as configured (the functions read it by this name). */
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: UrlSignerProps) {
    super(scope, id);
    this.secretName = props.secretName;
    this.user = new iam.User(this, 'User', { userName: props.userName });
    props.recordings.grantPresignedRead(this.user);
    const { secret, resource } = emptySecret(this, 'Keys', {
      secretName: props.secretName,
      description: `Access key of the qm-ingest URL signer ${props.userName}: {"access_key_id","secret_access_key"}, rotated`,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy,
    });
    this.secret = secret;
    Tags.of(resource).add(SIGNER_USER_TAG, props.userName);
    this.rotation = new BundledFunction(this, 'Rotation', {
      functionName: props.rotationFunctionName,
      description: `Rotates the access key of the qm-ingest URL signer ${props.userName}`,
      entry: 'cdk/signer-rotation/handler.ts',
      projectRoot: props.projectRoot,
      memoryMb: 256,
      timeoutSeconds: 60,
      serviceName: 'url-signer-rotation',
      environment: {
        [SIGNER_ROTATION_VARIABLES.replacedKeyLifetimeSeconds]: String(props.replacedKeyLifetimeSeconds),
      },
      logLevel: props.logLevel,
      logRetentionDays: props.logRetentionDays,
      logRemovalPolicy: props.removalPolicy,
      reservedConcurrency: ROTATION_CONCURRENCY,
    });
    this.#grantRotation();
    this.#schedule(props.rotationDays);
    acknowledge(
      this.rotation.function,
      'Serverless-LambdaDLQ',
      'Secrets Manager invokes the rotation function synchronously and retries a failed rotation itself; failures raise the function errors alarm.',
    );
  }

  /** Lets a function read the signer's current key. */
  grantRead(grantee: iam.IGrantable): void {
    grantSecretRead(grantee, this.secret);
  }

  /**
   * What the rotation does, and nothing more: list, create and delete the signer user's keys;
   * read the secret's versions, store the pending one and move the stages (encrypting and
   * decrypting through Secrets Manager, for this secret only). It generates no password.
   */
  #grantRotation(): void {
    const fn = this.rotation.function;
    grantActions(
      fn,
      ['iam:ListAccessKeys', 'iam:CreateAccessKey', 'iam:DeleteAccessKey'],
      [this.user.userArn],
    );
    grantActions(
      fn,
      [
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
      ],
      [this.secret.secretArn],
    );
    grantSecretKey(fn, this.secret, ['kms:Decrypt', 'kms:GenerateDataKey']);
  }

  /**
   * The rotation schedule, written as CloudFormation takes it: CDK's addRotationSchedule grants the
   * secret's key with ReEncrypt* and a password generator on "*", and lets any secret of any
   * account invoke the function. Here only Secrets Manager, for this secret, in this account, may.
   */
  #schedule(rotationDays: number): void {
    const fn = this.rotation.function;
    const permission = new lambda.CfnPermission(this, 'InvokedBySecretsManager', {
      action: 'lambda:InvokeFunction',
      functionName: fn.functionArn,
      principal: 'secretsmanager.amazonaws.com',
      sourceAccount: Stack.of(this).account,
      sourceArn: this.secret.secretArn,
    });
    const schedule = new secretsmanager.CfnRotationSchedule(this, 'Schedule', {
      secretId: this.secret.secretArn,
      rotationLambdaArn: fn.functionArn,
      rotationRules: {
        scheduleExpression: events.Schedule.rate(Duration.days(rotationDays)).expressionString,
      },
      rotateImmediatelyOnUpdate: true,
    });
    schedule.addDependency(permission);
    // The function's role policy first: the first rotation starts as soon as the schedule exists.
    schedule.node.addDependency(fn);
  }
}
