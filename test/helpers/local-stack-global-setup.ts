import type { TestProject } from 'vitest/node';
import { startLocalAws } from '../../local/aws/index.ts';
import type { LocalAwsConnection } from './local-stack-context.ts';

/**
 * Starts the local AWS stack once per integration run (free ports, in memory), hands its
 * endpoints to the test files (`inject('localAws')`, see test/helpers/local-stack.ts) and stops it
 * when the run ends, failed tests included. An interrupted run is covered too: the stack kills
 * its child processes on SIGINT/SIGTERM and on exit.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startLocalAws();
  const connection: LocalAwsConnection = {
    endpoints: stack.endpoints,
    env: stack.env,
    region: stack.region,
    accountId: stack.accountId,
  };
  project.provide('localAws', connection);
  return () => stack.stop();
}
