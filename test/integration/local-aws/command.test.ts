import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../../local/aws/index.ts';

const COMMAND = fileURLToPath(new URL('../../../local/aws/command.ts', import.meta.url));

describe('qm-ingest local-aws (local/aws/command.ts)', () => {
  it('prints the environment of a running stack and stops it cleanly on Ctrl-C', async () => {
    // Prepare
    const child = spawn(process.execPath, [COMMAND, '--services', 'sqs'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    const endpointPrinted = new Promise<string>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /^export AWS_ENDPOINT_URL_SQS=(\S+)$/m.exec(output);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
    });
    const endpoint = await endpointPrinted;
    const listed = await new SQSClient({
      endpoint,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    }).send(new ListQueuesCommand({}));
    const exited = once(child, 'exit');
    // Act
    child.kill('SIGINT');
    const [exitCode] = (await exited) as [number | null];
    // Assess
    expect(listed.$metadata.httpStatusCode).toBe(200);
    expect(exitCode).toBe(0);
    expect(output).toContain('# Local AWS stopped.');
  });

  it('explains its options when given one it does not know', async () => {
    // Prepare
    const child = spawn(process.execPath, [COMMAND, '--port', 's3:4566'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString('utf8');
    });
    // Act
    const [exitCode] = (await once(child, 'exit')) as [number | null];
    // Assess
    expect(exitCode).toBe(2);
    expect(errors).toContain('--port expects <service>=<port>');
  });
});
