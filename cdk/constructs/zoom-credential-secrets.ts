import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { ZoomProfile } from '../../shared/config/zoom-profile.ts';
import { acknowledge } from '../nag.ts';
import { emptySecret, grantSecretRead } from './secret-values.ts';

export interface ZoomCredentialSecretsProps {
  readonly profiles: readonly ZoomProfile[];
  /** Per profile name: `create` (default) or `existing`. */
  readonly modes: Readonly<Record<string, 'create' | 'existing'>>;
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * One Secrets Manager secret per Zoom profile for its Server-to-Server OAuth credentials. A created
 * secret is empty (secret-values.ts: no value, generated or literal, in the template, so no stack
 * update can ever overwrite the credentials the operator stores); the functions refuse it with an
 * error naming the secret until the operator stores the real credentials (README). No credential
 * is ever in code or in a template. An `existing` secret is only read.
 */
export class ZoomCredentialSecrets extends Construct {
  /** Profile name -> its secret. */
  readonly byProfile: ReadonlyMap<string, secretsmanager.ISecret>;

  constructor(scope: Construct, id: string, props: ZoomCredentialSecretsProps) {
    super(scope, id);
    const byProfile = new Map<string, secretsmanager.ISecret>();
    for (const profile of props.profiles) {
      const mode = props.modes[profile.name] ?? 'create';
      const id = `Profile-${profile.name}`;
      if (mode === 'existing') {
        byProfile.set(profile.name, existingSecret(this, id, profile.secretName));
        continue;
      }
      const { secret, resource } = emptySecret(this, id, {
        secretName: profile.secretName,
        description: `Zoom Server-to-Server OAuth credentials of the qm-ingest profile "${profile.name}": {"account_id","client_id","client_secret"}`,
        encryptionKey: props.encryptionKey,
        removalPolicy: props.removalPolicy,
      });
      acknowledge(
        resource,
        'AwsSolutions-SMG4',
        'Zoom issues and rotates Server-to-Server OAuth client secrets (Zoom App Marketplace, "Regenerate"); the operator stores the new one with put-secret-value (README). No rotation function can do it for Zoom.',
      );
      byProfile.set(profile.name, secret);
    }
    this.byProfile = byProfile;
  }

  /** Lets `grantee` read every profile's credentials (and decrypt them with the environment key). */
  grantRead(grantee: iam.IGrantable): void {
    for (const secret of this.byProfile.values()) {
      grantSecretRead(grantee, secret);
    }
  }
}

/** An ARN with the six-character suffix Secrets Manager appends is complete; a name or a partial ARN is not. */
function existingSecret(scope: Construct, id: string, nameOrArn: string): secretsmanager.ISecret {
  if (!nameOrArn.startsWith('arn:')) {
    return secretsmanager.Secret.fromSecretNameV2(scope, id, nameOrArn);
  }
  return /-[A-Za-z0-9]{6}$/.test(nameOrArn)
    ? secretsmanager.Secret.fromSecretCompleteArn(scope, id, nameOrArn)
    : secretsmanager.Secret.fromSecretPartialArn(scope, id, nameOrArn);
}
