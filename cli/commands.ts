/** A subcommand of `qm-ingest`: its name, a one-line summary, and its lazily loaded module. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<{ run(args: readonly string[]): Promise<number> }>;
}

/** Every subcommand, in the order `qm-ingest --help` lists them. */
export const commands: readonly Command[] = [
  {
    name: 'simulator',
    summary: 'Run the local Zoom QM simulator (OAuth + QM API on 127.0.0.1)',
    load: () => import('./simulator.ts'),
  },
  {
    name: 'local-aws',
    summary: 'Run the local AWS stack (S3, SQS, DynamoDB, Secrets Manager, SNS, EventBridge) on 127.0.0.1',
    load: () => import('../local/aws/command.ts'),
  },
];
