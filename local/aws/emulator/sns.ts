import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS } from '../constants.ts';
import { RequestTooLargeError, readBody } from '../http.ts';
import type { QueueSender } from '../queue-sender.ts';
import { QueryParameters, queryErrorXml, queryResponseXml, xmlElement } from './aws-query.ts';
import { DeliveryChain } from './delivery-chain.ts';
import {
  type DeliveringServerOptions,
  type RunningEmulator,
  startPublishingServer,
} from './emulator-server.ts';
import { isLoopbackHttpEndpoint } from './http-delivery.ts';
import { PublishedLog } from './published-log.ts';
import { AwsServiceError, requestAccessKeyId } from './service-error.ts';
import { SnsDelivery } from './sns-delivery.ts';
import { EnvelopeSigner, SIGNING_KEY_PATH } from './sns-envelope.ts';
import { parseMessageAttributes, validateMessage } from './sns-messages.ts';
import type { SnsPublishRecord, SnsState, Subscription, Topic } from './sns-model.ts';
import { jsonStateFile, type StateFile } from './state-file.ts';

/**
 * SNS, emulated for the calls the project makes, over the awsQuery protocol the current SDK uses:
 * CreateTopic, Subscribe (sqs to a local queue ARN or URL; http/https to a loopback endpoint,
 * with SubscriptionConfirmation), ConfirmSubscription, Unsubscribe, Publish and PublishBatch (with
 * MessageAttributes and MessageStructure=json). Deliveries carry the real SNS envelope (or the raw
 * message with RawMessageDelivery); every publication is recorded with the outcome of each delivery.
 * Not supported, with a clear error: FIFO topics, filter policies, other protocols.
 */

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
/** Room for a batch of maximum-size messages and their encoding. */
const MAX_REQUEST_BYTES = 1024 * 1024;
const SUPPORTED_PROTOCOLS = ['sqs', 'http', 'https'] as const;

export class SnsEmulator {
  readonly #region: string;
  readonly #state: StateFile<SnsState>;
  readonly #topics: Topic[];
  readonly #subscriptions: Subscription[];
  readonly #published = new PublishedLog<SnsPublishRecord>();
  readonly #signer = new EnvelopeSigner();
  readonly #delivery: SnsDelivery;
  readonly #deliveries: DeliveryChain;

  constructor(options: {
    readonly region: string;
    readonly state: StateFile<SnsState>;
    readonly queues: QueueSender | undefined;
    readonly log: (message: string) => void;
  }) {
    this.#region = options.region;
    this.#state = options.state;
    this.#delivery = new SnsDelivery(this.#signer, options.queues, options.log);
    this.#deliveries = new DeliveryChain((error) =>
      options.log(`[local-aws] SNS delivery failed: ${String(error)}`),
    );
    const saved = options.state.load();
    this.#topics = saved?.topics ?? [];
    this.#subscriptions = saved?.subscriptions ?? [];
  }

  /** Every publication so far, oldest first. */
  published(): SnsPublishRecord[] {
    return this.#published.list();
  }

  /** Resolves once every delivery started so far has finished (delivered or recorded as failed). */
  flush(): Promise<void> {
    return this.#deliveries.settled();
  }

  async handle(request: IncomingMessage, response: ServerResponse, endpoint: string): Promise<void> {
    const requestId = randomUUID();
    const url = new URL(request.url ?? '/', endpoint);
    if (request.method === 'GET' && url.pathname === SIGNING_KEY_PATH) {
      response.writeHead(200, { 'content-type': 'application/x-pem-file' });
      response.end(await this.#signer.publicKeyPem());
      return;
    }
    try {
      const parameters = await this.#parameters(request, url);
      const action = parameters.require('Action');
      const result = await this.#run(action, parameters, endpoint);
      response.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      response.end(queryResponseXml(action, result, requestId, XMLNS));
    } catch (error) {
      const serviceError =
        error instanceof AwsServiceError
          ? error
          : error instanceof RequestTooLargeError
            ? new AwsServiceError('InvalidParameter', `Invalid parameter: ${error.message}`)
            : new AwsServiceError('InternalError', `Local SNS failure: ${String(error)}`, 500);
      response.writeHead(serviceError.statusCode, {
        'content-type': 'text/xml',
        'x-amzn-requestid': requestId,
      });
      response.end(queryErrorXml(serviceError, requestId, XMLNS));
    }
  }

  /**
   * The SDK POSTs signed forms. SubscribeURL and UnsubscribeURL are plain GETs carrying their
   * parameters in the query string and no signature, as on AWS (the token is the credential).
   */
  async #parameters(request: IncomingMessage, url: URL): Promise<QueryParameters> {
    if (request.method === 'GET') {
      const action = url.searchParams.get('Action');
      if (action !== 'ConfirmSubscription' && action !== 'Unsubscribe') {
        throw new AwsServiceError(
          'InvalidAction',
          'Only ConfirmSubscription and Unsubscribe may be called by GET',
        );
      }
      return QueryParameters.fromForm(url.search.slice(1));
    }
    if (requestAccessKeyId(request.headers.authorization) !== LOCAL_CREDENTIALS.accessKeyId) {
      throw new AwsServiceError(
        'InvalidClientTokenId',
        'The security token included in the request is invalid: the local stack accepts only its own dummy credentials.',
        403,
      );
    }
    return QueryParameters.fromForm((await readBody(request, MAX_REQUEST_BYTES)).toString('utf8'));
  }

  async #run(action: string, parameters: QueryParameters, endpoint: string): Promise<string> {
    switch (action) {
      case 'CreateTopic':
        return xmlElement('TopicArn', this.#createTopic(parameters).arn);
      case 'Subscribe':
        return xmlElement('SubscriptionArn', this.#subscribe(parameters, endpoint));
      case 'ConfirmSubscription':
        return xmlElement('SubscriptionArn', this.#confirmSubscription(parameters));
      case 'Unsubscribe':
        this.#unsubscribe(parameters);
        return '';
      case 'Publish':
        return xmlElement(
          'MessageId',
          this.#publish(parameters, parameters.get('TopicArn') ?? parameters.get('TargetArn'), endpoint),
        );
      case 'PublishBatch':
        return this.#publishBatch(parameters, endpoint);
      default:
        throw new AwsServiceError(
          'InvalidAction',
          `The action ${action} is not valid for the local SNS endpoint.`,
        );
    }
  }

  #createTopic(parameters: QueryParameters): Topic {
    const name = parameters.require('Name');
    if (name.endsWith('.fifo'))
      throw new AwsServiceError(
        'InvalidParameter',
        'Invalid parameter: FIFO topics are not supported by the local SNS',
      );
    if (!TOPIC_NAME.test(name)) {
      throw new AwsServiceError(
        'InvalidParameter',
        'Invalid parameter: Topic Name must be 1-256 letters, digits, hyphens or underscores',
      );
    }
    const existing = this.#topics.find((topic) => topic.name === name);
    if (existing !== undefined) return existing;
    const topic: Topic = {
      arn: `arn:aws:sns:${this.#region}:${LOCAL_ACCOUNT_ID}:${name}`,
      name,
      attributes: parameters.stringMap('Attributes'),
    };
    this.#topics.push(topic);
    this.#save();
    return topic;
  }

  #subscribe(parameters: QueryParameters, endpoint: string): string {
    const topic = this.#topic(parameters.require('TopicArn'));
    const protocol = parameters.require('Protocol');
    const target = parameters.require('Endpoint');
    if (!isSupportedProtocol(protocol)) {
      throw new AwsServiceError(
        'InvalidParameter',
        `Invalid parameter: Protocol ${protocol}: the local SNS delivers to ${SUPPORTED_PROTOCOLS.join(', ')} only`,
      );
    }
    if (protocol === 'sqs' && !/^arn:aws[a-z-]*:sqs:/.test(target) && !/^https?:\/\//.test(target)) {
      throw new AwsServiceError(
        'InvalidParameter',
        'Invalid parameter: SQS endpoint must be a queue ARN or URL',
      );
    }
    if (protocol !== 'sqs' && !isLoopbackHttpEndpoint(target)) {
      throw new AwsServiceError(
        'InvalidParameter',
        `Invalid parameter: the local SNS only calls loopback endpoints, not ${target}`,
      );
    }
    const attributes = parameters.stringMap('Attributes');
    if (attributes['FilterPolicy'] !== undefined) {
      throw new AwsServiceError(
        'InvalidParameter',
        'Invalid parameter: filter policies are not supported by the local SNS',
      );
    }
    const existing = this.#subscriptions.find(
      (subscription) =>
        subscription.topicArn === topic.arn &&
        subscription.protocol === protocol &&
        subscription.endpoint === target,
    );
    if (existing !== undefined) return existing.confirmed ? existing.arn : 'pending confirmation';
    const subscription: Subscription = {
      arn: `${topic.arn}:${randomUUID()}`,
      topicArn: topic.arn,
      protocol,
      endpoint: target,
      attributes,
      // SNS confirms SQS subscriptions in the same account at once; HTTP endpoints must confirm.
      confirmed: protocol === 'sqs',
      token: randomBytes(64).toString('hex'),
    };
    this.#subscriptions.push(subscription);
    this.#save();
    if (!subscription.confirmed)
      this.#deliveries.schedule(() => this.#delivery.sendConfirmation(subscription, endpoint));
    return subscription.confirmed || parameters.get('ReturnSubscriptionArn') === 'true'
      ? subscription.arn
      : 'pending confirmation';
  }

  #confirmSubscription(parameters: QueryParameters): string {
    const topicArn = parameters.require('TopicArn');
    const token = parameters.require('Token');
    const subscription = this.#subscriptions.find(
      (candidate) => candidate.topicArn === topicArn && candidate.token === token,
    );
    if (subscription === undefined) throw new AwsServiceError('InvalidParameter', 'Invalid token');
    subscription.confirmed = true;
    this.#save();
    return subscription.arn;
  }

  #unsubscribe(parameters: QueryParameters): void {
    const arn = parameters.require('SubscriptionArn');
    const index = this.#subscriptions.findIndex((subscription) => subscription.arn === arn);
    if (index === -1) throw new AwsServiceError('NotFound', 'Subscription does not exist', 404);
    this.#subscriptions.splice(index, 1);
    this.#save();
  }

  #publish(parameters: QueryParameters, topicArn: string | undefined, endpoint: string): string {
    if (topicArn === undefined) {
      throw new AwsServiceError(
        'InvalidParameter',
        'Invalid parameter: TopicArn or TargetArn is required (the local SNS does not send SMS)',
      );
    }
    const topic = this.#topic(topicArn);
    const message = parameters.require('Message');
    const subject = parameters.get('Subject');
    const messageStructure = parameters.get('MessageStructure');
    const messageAttributes = parseMessageAttributes(parameters);
    validateMessage(message, subject, messageStructure, messageAttributes);
    const record: SnsPublishRecord = {
      messageId: randomUUID(),
      topicArn: topic.arn,
      message,
      ...(subject === undefined ? {} : { subject }),
      ...(messageStructure === undefined ? {} : { messageStructure }),
      messageAttributes,
      timestamp: new Date().toISOString(),
      deliveries: [],
    };
    this.#published.add(record);
    for (const subscription of this.#subscriptions) {
      if (subscription.topicArn === topic.arn && subscription.confirmed) {
        this.#deliveries.schedule(() => this.#delivery.deliver(record, subscription, endpoint));
      }
    }
    return record.messageId;
  }

  #publishBatch(parameters: QueryParameters, endpoint: string): string {
    const topicArn = parameters.require('TopicArn');
    this.#topic(topicArn);
    const entries = parameters.members('PublishBatchRequestEntries');
    if (entries.length === 0)
      throw new AwsServiceError('EmptyBatchRequest', "The batch request doesn't contain any entries.");
    if (entries.length > 10)
      throw new AwsServiceError(
        'TooManyEntriesInBatchRequest',
        'The batch request contains more entries than permissible.',
      );
    const ids = entries.map((entry) => entry.require('Id'));
    if (new Set(ids).size !== ids.length)
      throw new AwsServiceError(
        'BatchEntryIdsNotDistinct',
        'Two or more batch entries in the request have the same Id.',
      );
    const successful: string[] = [];
    const failed: string[] = [];
    entries.forEach((entry, index) => {
      const id = ids[index] ?? '';
      try {
        if (!BATCH_ENTRY_ID.test(id))
          throw new AwsServiceError(
            'InvalidBatchEntryId',
            "The Id of a batch entry in a batch request doesn't abide by the specification.",
          );
        const messageId = this.#publish(entry, topicArn, endpoint);
        successful.push(`<member>${xmlElement('Id', id)}${xmlElement('MessageId', messageId)}</member>`);
      } catch (error) {
        if (!(error instanceof AwsServiceError)) throw error;
        failed.push(
          `<member>${xmlElement('Id', id)}${xmlElement('Code', error.code)}${xmlElement('Message', error.message)}<SenderFault>true</SenderFault></member>`,
        );
      }
    });
    return `<Successful>${successful.join('')}</Successful><Failed>${failed.join('')}</Failed>`;
  }

  #topic(arn: string): Topic {
    const topic = this.#topics.find((candidate) => candidate.arn === arn);
    if (topic === undefined) throw new AwsServiceError('NotFound', 'Topic does not exist', 404);
    return topic;
  }

  #save(): void {
    this.#state.save({ topics: this.#topics, subscriptions: this.#subscriptions });
  }
}

export type RunningSns = RunningEmulator<SnsEmulator>;

export function startSnsServer(options: DeliveringServerOptions): Promise<RunningSns> {
  const state = jsonStateFile<SnsState>(options.dataDir, 'sns.json');
  const emulator = new SnsEmulator({ ...options, state });
  return startPublishingServer({
    name: 'SNS',
    port: options.port,
    emulator,
    handle: (request, response, endpoint) => emulator.handle(request, response, endpoint),
  });
}

function isSupportedProtocol(protocol: string): protocol is Subscription['protocol'] {
  return (SUPPORTED_PROTOCOLS as readonly string[]).includes(protocol);
}
