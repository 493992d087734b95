import { Duration, type RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { LogRetentionDays } from '../../shared/config/deployment.ts';
import { acknowledge, acknowledgeWildcardResource } from '../nag.ts';
import { SIGNER_USER_TAG } from '../signer-rotation/rotation.ts';
import { BundledFunction, type LogLevel } from './bundled-function.ts';
import type { RecordingsSource } from './recordings-source.ts';

export interface UrlSignerProps {
  readonly userName: string;
  readonly secretName: string;
  readonly rotationDays: number;
  readonly rotationFunctionName: string;
  readonly recordings: RecordingsSource;
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly projectRoot: string;
  readonly logLevel: LogLevel;
  readonly logRetentionDays: LogRetentionDays;
}

/**
 * The optional dedicated signer of download URLs, for URLs that must outlive a Lambda role's
 * temporary credentials (which end a URL early, whatever its expiry). An IAM user that may only
 * read recordings under the recording prefixes (and decrypt them); its access key lives in a
 * Secrets Manager secret that a rotation function replaces every `rotationDays`. The first key is
 * created by the rotation Secrets Manager runs as soon as the schedule exists: no key is ever
 * written in a template.
 */
export class UrlSigner extends Construct {
  readonly user: iam.User;
  readonly secret: secretsmanager.Secret;
  readonly rotation: BundledFunction;
  /** The secret's name, as configured (the functions read it by this name). */
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: UrlSignerProps) {
    super(scope, id);
    this.secretName = props.secretName;
    this.user = new iam.User(this, 'User', { userName: props.userName });
    props.recordings.grantPresignedRead(this.user);
    this.secret = new secretsmanager.Secret(this, 'Keys', {
      secretName: props.secretName,
      description: `Access key of the qm-ingest URL signer ${props.userName}: {"access_key_id","secret_access_key"}, rotated`,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ access_key_id: '' }),
        generateStringKey: 'secret_access_key',
        excludePunctuation: true,
      },
    });
    Tags.of(this.secret).add(SIGNER_USER_TAG, props.userName);
    this.rotation = new BundledFunction(this, 'Rotation', {
      functionName: props.rotationFunctionName,
      description: `Rotates the access key of the qm-ingest URL signer ${props.userName}`,
      entry: 'cdk/signer-rotation/handler.ts',
      projectRoot: props.projectRoot,
      memoryMb: 256,
      timeoutSeconds: 60,
      serviceName: 'url-signer-rotation',
      environment: {},
      logLevel: props.logLevel,
      logRetentionDays: props.logRetentionDays,
      logRemovalPolicy: props.removalPolicy,
    });
    iam.Grant.addToPrincipal({
      grantee: this.rotation.function,
      actions: ['iam:ListAccessKeys', 'iam:CreateAccessKey', 'iam:DeleteAccessKey'],
      resourceArns: [this.user.userArn],
    });
    this.secret.addRotationSchedule('Schedule', {
      rotationLambda: this.rotation.function,
      automaticallyAfter: Duration.days(props.rotationDays),
      rotateImmediatelyOnUpdate: true,
    });
    acknowledgeWildcardResource(
      this.rotation.role,
      '*',
      'secretsmanager:GetRandomPassword (granted by the rotation schedule) supports no resource-level permissions.',
    );
    acknowledge(
      this.rotation.function,
      'Serverless-LambdaDLQ',
      'Secrets Manager invokes the rotation function synchronously and retries a failed rotation itself; failures raise the function errors alarm.',
    );
  }

  /** Lets a function read the signer's current key. */
  grantRead(grantee: iam.IGrantable): void {
    this.secret.grantRead(grantee);
  }
}
