import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { translateAwsError } from '../aws/errors.ts';
import { PermanentError } from '../errors.ts';
import type { ResultsReference } from '../recordings/recording.ts';
import { documentClientOf } from '../table/document-client.ts';
import { translateDynamoError } from '../table/dynamo-errors.ts';
import { recordingKey } from '../table/keys.ts';
import type { CollectedResults } from './collect.ts';
import { putResultsObject } from './encrypted-put.ts';
import { parseResults, type RecordingResults, type TranscriptReference } from './results.ts';
import {
  planResultsStorage,
  RESULTS_SORT_KEY_PREFIX,
  resultsItemKey,
  type StorageOptions,
} from './storage-plan.ts';

/** The `type` attribute of a results item. */
export const RESULTS_ITEM_TYPE = 'RESULTS';

export interface ResultsStoreOptions extends StorageOptions {
  readonly tableName: string;
  /**
   * The KMS key objects are encrypted with (QM_RESULTS_KMS_KEY_ID). Without one, SSE-KMS is still
   * requested and S3 uses the account's AWS-managed key for S3; the stack passes the environment's key.
   */
  readonly kmsKeyId?: string | undefined;
}

/**
 * Writes and reads results: the transcript and large documents in the results bucket (SSE-KMS
 * requested on every object), small documents in a DynamoDB item beside the recording. `save`
 * returns where the document went; the caller records it on the recording with the next revision
 * (RecordingRepository.setResults), which is what makes it the current one.
 */
export class ResultsStore {
  readonly #items: DynamoDBDocumentClient;
  readonly #s3: S3Client;
  readonly #options: ResultsStoreOptions;

  constructor(dynamoDb: DynamoDBClient, s3: S3Client, options: ResultsStoreOptions) {
    this.#items = documentClientOf(dynamoDb);
    this.#s3 = s3;
    this.#options = options;
  }

  /** Stores the results under `tag` (see resultsTag) and returns where the document is. */
  async save(collected: CollectedResults, tag: string): Promise<ResultsReference['location']> {
    const plan = planResultsStorage(collected, tag, this.#options);
    if (plan.transcript !== undefined) {
      await this.#putObject(plan.transcript.key, plan.transcript.body);
    }
    const { location } = plan;
    if (location.kind === 's3') {
      await this.#putObject(location.key, plan.documentBody);
      return location;
    }
    const { recordingId } = plan.document;
    try {
      await this.#items.send(
        new PutCommand({
          TableName: this.#options.tableName,
          Item: {
            ...resultsItemKey(recordingId, tag),
            type: RESULTS_ITEM_TYPE,
            recordingId,
            tag,
            document: JSON.parse(plan.documentBody),
          },
        }),
      );
    } catch (error) {
      throw translateDynamoError(error, `storing the results of recording ${recordingId}`);
    }
    return location;
  }

  /** The results a recording's reference points at. */
  async read(recordingId: string, location: ResultsReference['location']): Promise<RecordingResults> {
    if (location.kind === 's3') {
      return parseResults(
        asObject(JSON.parse(await this.#getObject(location.bucket, location.key)), location.key),
      );
    }
    if (!location.sk.startsWith(RESULTS_SORT_KEY_PREFIX)) {
      throw new PermanentError(`Recording ${recordingId} points at ${location.sk}, which is no results item`);
    }
    let item: Record<string, unknown> | undefined;
    try {
      const output = await this.#items.send(
        new GetCommand({
          TableName: this.#options.tableName,
          Key: { pk: recordingKey(recordingId).pk, sk: location.sk },
          ConsistentRead: true,
        }),
      );
      item = output.Item;
    } catch (error) {
      throw translateDynamoError(error, `reading the results of recording ${recordingId}`);
    }
    if (item === undefined) {
      throw new PermanentError(`The results item ${location.sk} of recording ${recordingId} does not exist`);
    }
    return parseResults(asObject(item['document'], location.sk));
  }

  /** A stored transcript, as Zoom gave it. */
  async readTranscript(reference: TranscriptReference): Promise<unknown> {
    return JSON.parse(await this.#getObject(reference.bucket, reference.key));
  }

  async #putObject(key: string, body: string): Promise<void> {
    await putResultsObject(this.#s3, {
      bucket: this.#options.bucket,
      key,
      body,
      contentType: 'application/json',
      kms: { keyId: this.#options.kmsKeyId },
    });
  }

  async #getObject(bucket: string, key: string): Promise<string> {
    try {
      const output = await this.#s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (output.Body === undefined) {
        throw new PermanentError(`S3 returned no body for ${key}`);
      }
      return await output.Body.transformToString('utf8');
    } catch (error) {
      throw translateAwsError(error, 'S3', 'GetObject');
    }
  }
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PermanentError(`The results at ${where} are not a JSON object`);
  }
  return value as Record<string, unknown>;
}
