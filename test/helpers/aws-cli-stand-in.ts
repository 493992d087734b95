import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

/**
 * A stand-in for the AWS CLI (not a dependency of this project) in the e2e test of the documented
 * commands: `aws --endpoint-url http://127.0.0.1:<port> s3 cp <file> s3://<bucket>/<key>
 * [--metadata k=v,...] [--content-type t]`, done with the S3 client, with the credentials and
 * region of the environment, as the AWS CLI takes them. Anything else, or any endpoint off this
 * machine, is refused: the documentation's other `aws` commands are marked as needing AWS.
 */

/** The AWS CLI's exit status for a command it cannot parse. */
const USAGE_ERROR = 252;

/** What the AWS CLI guesses from the file name (Python's mimetypes) for the files the docs drop. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.wav': 'audio/x-wav',
  '.mp3': 'audio/mpeg',
  '.json': 'application/json',
};

async function main(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      'endpoint-url': { type: 'string' },
      metadata: { type: 'string' },
      'content-type': { type: 'string' },
    },
  });
  const endpoint = values['endpoint-url'];
  const [service, operation, source, destination, ...rest] = positionals;
  const target = /^s3:\/\/([^/]+)\/(.+)$/.exec(destination ?? '');
  if (
    endpoint === undefined ||
    !/^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint) ||
    service !== 's3' ||
    operation !== 'cp' ||
    source === undefined ||
    target === null ||
    rest.length > 0
  ) {
    console.error(
      "aws (the tests' stand-in): only `aws --endpoint-url http://127.0.0.1:<port> s3 cp <file> s3://<bucket>/<key> [--metadata k=v,...] [--content-type t]` is implemented",
    );
    return USAGE_ERROR;
  }
  const [, bucket = '', key = ''] = target;
  const contentType = values['content-type'] ?? CONTENT_TYPES[extname(source).toLowerCase()];
  const s3 = new S3Client({ endpoint, forcePathStyle: true });
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: readFileSync(source),
        ...(contentType === undefined ? {} : { ContentType: contentType }),
        ...(values.metadata === undefined ? {} : { Metadata: shorthandMap(values.metadata) }),
      }),
    );
  } finally {
    s3.destroy();
  }
  console.log(`upload: ${source} to ${destination}`);
  return 0;
}

/** The AWS CLI's shorthand for a map: `k1=v1,k2=v2`. */
function shorthandMap(text: string): Record<string, string> {
  return Object.fromEntries(
    text.split(',').map((pair) => {
      const equals = pair.indexOf('=');
      return [pair.slice(0, equals), pair.slice(equals + 1)];
    }),
  );
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    console.error(`upload failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
