import { generateKeyPair, type KeyObject, sign } from 'node:crypto';

/**
 * The JSON documents SNS delivers to SQS (unless raw delivery is on) and to HTTP endpoints:
 * `Notification` and `SubscriptionConfirmation`, with their fields in SNS's order and a real
 * SignatureVersion 1 signature (SHA1withRSA over SNS's canonical string). The signing key is
 * local: SigningCertURL serves its public key (a PEM key, not an Amazon certificate), so code that
 * pins Amazon's certificate host rejects it, as it should for anything not from AWS.
 */

/** A message attribute as SNS writes it in the envelope (binary values base64). */
export interface EnvelopeAttribute {
  readonly Type: string;
  readonly Value: string;
}

export interface NotificationEnvelope {
  readonly Type: 'Notification';
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Subject?: string;
  readonly Message: string;
  readonly Timestamp: string;
  readonly SignatureVersion: '1';
  readonly Signature: string;
  readonly SigningCertURL: string;
  readonly UnsubscribeURL: string;
  readonly MessageAttributes?: Readonly<Record<string, EnvelopeAttribute>>;
}

export interface SubscriptionConfirmationEnvelope {
  readonly Type: 'SubscriptionConfirmation';
  readonly MessageId: string;
  readonly Token: string;
  readonly TopicArn: string;
  readonly Message: string;
  readonly SubscribeURL: string;
  readonly Timestamp: string;
  readonly SignatureVersion: '1';
  readonly Signature: string;
  readonly SigningCertURL: string;
}

/** The path the emulator serves its public signing key on. */
export const SIGNING_KEY_PATH = '/SimpleNotificationService-local.pem';

/** Signs envelopes with a key pair generated on first use (generation takes tens of milliseconds). */
export class EnvelopeSigner {
  #keys: Promise<{ readonly privateKey: KeyObject; readonly publicKey: KeyObject }> | undefined;

  async publicKeyPem(): Promise<string> {
    const { publicKey } = await this.#keyPair();
    return publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  async notification(fields: {
    readonly messageId: string;
    readonly topicArn: string;
    readonly subject: string | undefined;
    readonly message: string;
    readonly timestamp: string;
    readonly signingCertUrl: string;
    readonly unsubscribeUrl: string;
    readonly attributes: Readonly<Record<string, EnvelopeAttribute>>;
  }): Promise<NotificationEnvelope> {
    const canonical = canonicalString([
      ['Message', fields.message],
      ['MessageId', fields.messageId],
      ['Subject', fields.subject],
      ['Timestamp', fields.timestamp],
      ['TopicArn', fields.topicArn],
      ['Type', 'Notification'],
    ]);
    return {
      Type: 'Notification',
      MessageId: fields.messageId,
      TopicArn: fields.topicArn,
      ...(fields.subject === undefined ? {} : { Subject: fields.subject }),
      Message: fields.message,
      Timestamp: fields.timestamp,
      SignatureVersion: '1',
      Signature: await this.#sign(canonical),
      SigningCertURL: fields.signingCertUrl,
      UnsubscribeURL: fields.unsubscribeUrl,
      ...(Object.keys(fields.attributes).length === 0 ? {} : { MessageAttributes: fields.attributes }),
    };
  }

  async subscriptionConfirmation(fields: {
    readonly messageId: string;
    readonly token: string;
    readonly topicArn: string;
    readonly subscribeUrl: string;
    readonly timestamp: string;
    readonly signingCertUrl: string;
  }): Promise<SubscriptionConfirmationEnvelope> {
    const message = `You have chosen to subscribe to the topic ${fields.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`;
    const canonical = canonicalString([
      ['Message', message],
      ['MessageId', fields.messageId],
      ['SubscribeURL', fields.subscribeUrl],
      ['Timestamp', fields.timestamp],
      ['Token', fields.token],
      ['TopicArn', fields.topicArn],
      ['Type', 'SubscriptionConfirmation'],
    ]);
    return {
      Type: 'SubscriptionConfirmation',
      MessageId: fields.messageId,
      Token: fields.token,
      TopicArn: fields.topicArn,
      Message: message,
      SubscribeURL: fields.subscribeUrl,
      Timestamp: fields.timestamp,
      SignatureVersion: '1',
      Signature: await this.#sign(canonical),
      SigningCertURL: fields.signingCertUrl,
    };
  }

  async #sign(canonical: string): Promise<string> {
    const { privateKey } = await this.#keyPair();
    return sign('sha1', Buffer.from(canonical, 'utf8'), privateKey).toString('base64');
  }

  #keyPair(): Promise<{ readonly privateKey: KeyObject; readonly publicKey: KeyObject }> {
    this.#keys ??= new Promise((resolve, reject) => {
      generateKeyPair('rsa', { modulusLength: 2048 }, (error, publicKey, privateKey) =>
        error ? reject(error) : resolve({ publicKey, privateKey }),
      );
    });
    return this.#keys;
  }
}

/** "Name\nvalue\n" for each present field, in the order SNS signs them. */
function canonicalString(fields: ReadonlyArray<readonly [string, string | undefined]>): string {
  return fields
    .filter((field): field is readonly [string, string] => field[1] !== undefined)
    .map(([name, value]) => `${name}\n${value}\n`)
    .join('');
}
