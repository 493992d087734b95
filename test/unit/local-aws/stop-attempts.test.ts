import { describe, expect, it } from 'vitest';
import { StopAttempts } from '../../../local/aws/stop-attempts.ts';

describe('StopAttempts', () => {
  it('runs every stop even when one fails, and reports the failures together', async () => {
    // Prepare
    const stops = new StopAttempts();
    const stopped: string[] = [];
    const broken = new Error('port still bound');

    // Act
    await Promise.all([
      stops.attempt(async () => {
        throw broken;
      }),
      stops.attempt(async () => {
        stopped.push('s3');
      }),
      stops.attempt(undefined),
    ]);

    // Assess
    expect(stopped).toEqual(['s3']);
    expect(stops.failures()?.errors).toEqual([broken]);
  });

  it('reports nothing when everything stopped', async () => {
    // Prepare
    const stops = new StopAttempts();

    // Act
    await stops.attempt(async () => {});

    // Assess
    expect(stops.failures()).toBeUndefined();
  });
});
