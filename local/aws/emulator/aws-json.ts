import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as z from 'zod';
import { LOCAL_CREDENTIALS } from '../constants.ts';
import { RequestTooLargeError, readBody } from '../http.ts';
import { AwsServiceError, requestAccessKeyId } from './service-error.ts';

/**
 * The awsJson1_1 protocol (Secrets Manager, EventBridge): `POST /` with
 * `X-Amz-Target: <prefix>.<Operation>` and a JSON body; JSON answers; errors as
 * `{"__type": code, "message": ...}` with the code in `x-amzn-ErrorType` too.
 */

/** One operation: a zod schema for its input and the function computing its output. */
export interface JsonOperation<Schema extends z.ZodType = z.ZodType> {
  readonly input: Schema;
  run(input: z.infer<Schema>): unknown;
}

/** Declares an operation with its input type inferred from the schema. */
export function jsonOperation<Schema extends z.ZodType>(
  input: Schema,
  run: (input: z.infer<Schema>) => unknown,
): JsonOperation<Schema> {
  return { input, run };
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const MAX_REQUEST_BYTES = 1024 * 1024;

/** Handles one request for a service whose targets start with `targetPrefix` (e.g. `secretsmanager`). */
export async function handleJsonRequest(
  request: IncomingMessage,
  response: ServerResponse,
  targetPrefix: string,
  operations: Readonly<Record<string, JsonOperation>>,
): Promise<void> {
  const requestId = randomUUID();
  try {
    const output = await runOperation(request, targetPrefix, operations);
    response.writeHead(200, { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId });
    response.end(JSON.stringify(output ?? {}));
  } catch (error) {
    const serviceError =
      error instanceof AwsServiceError
        ? error
        : error instanceof RequestTooLargeError
          ? new AwsServiceError('ValidationException', error.message)
          : new AwsServiceError('InternalServiceError', `Local emulator failure: ${String(error)}`, 500);
    response.writeHead(serviceError.statusCode, {
      'content-type': CONTENT_TYPE,
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': serviceError.code,
    });
    response.end(JSON.stringify({ __type: serviceError.code, message: serviceError.message }));
  }
}

async function runOperation(
  request: IncomingMessage,
  targetPrefix: string,
  operations: Readonly<Record<string, JsonOperation>>,
): Promise<unknown> {
  if (request.method !== 'POST')
    throw new AwsServiceError('UnknownOperationException', 'Only POST is supported', 404);
  const accessKeyId = requestAccessKeyId(request.headers.authorization);
  if (accessKeyId !== LOCAL_CREDENTIALS.accessKeyId) {
    throw new AwsServiceError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid: the local stack accepts only its own dummy credentials.',
      403,
    );
  }
  const target = request.headers['x-amz-target'];
  const [prefix, name] = typeof target === 'string' ? target.split('.', 2) : [];
  const operation = name === undefined || prefix !== targetPrefix ? undefined : operations[name];
  if (operation === undefined) {
    throw new AwsServiceError(
      'UnknownOperationException',
      `The local emulator does not support ${String(target)}`,
    );
  }
  const body = (await readBody(request, MAX_REQUEST_BYTES)).toString('utf8');
  let json: unknown;
  try {
    json = body === '' ? {} : JSON.parse(body);
  } catch {
    throw new AwsServiceError('SerializationException', 'The request body is not valid JSON');
  }
  const parsed = operation.input.safeParse(json);
  if (!parsed.success) {
    const details = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`)
      .join('; ');
    throw new AwsServiceError('ValidationException', `Invalid ${name} request: ${details}`);
  }
  return operation.run(parsed.data);
}
