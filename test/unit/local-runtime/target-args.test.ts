import { describe, expect, it } from 'vitest';
import { parseStatuses } from '../../../cli/list.ts';
import { parseTargetArgs } from '../../../cli/target-args.ts';
import { ConfigError } from '../../../shared/errors.ts';
import { RECORDING_STATUSES } from '../../../shared/recordings/state-machine.ts';

describe('parseTargetArgs', () => {
  it('reads the local runtime in .local/ by default', () => {
    // Act
    const parsed = parseTargetArgs(['calls/a.wav'], { positionals: 1 });

    // Assess
    expect(parsed).toEqual({
      help: false,
      json: false,
      positionals: ['calls/a.wav'],
      target: { env: undefined, region: undefined, dataDir: '.local' },
      extra: {},
      flags: {},
    });
  });

  it("reads the command's switches, and one optional positional (a recording, or a selection)", () => {
    // Act
    const spec = {
      positionals: 'optional' as const,
      extraOptions: { 'dry-run': { type: 'boolean' as const }, yes: { type: 'boolean' as const } },
    };
    const selection = parseTargetArgs(['--dry-run'], spec);
    const one = parseTargetArgs(['calls/a.wav', '--yes'], spec);
    const two = () => parseTargetArgs(['a.wav', 'b.wav'], spec);

    // Assess
    expect(selection).toMatchObject({ positionals: [], flags: { 'dry-run': true, yes: false } });
    expect(one).toMatchObject({ positionals: ['calls/a.wav'], flags: { 'dry-run': false, yes: true } });
    expect(two).toThrow('give one recording');
  });

  it("reads a deployed environment, the command's own options and --json", () => {
    // Act
    const parsed = parseTargetArgs(['--env', 'prod', '--region', 'eu-west-1', '--json', '--since', '7d'], {
      positionals: 0,
      extraOptions: { since: { type: 'string' }, status: { type: 'string' } },
    });

    // Assess
    expect(parsed).toMatchObject({
      json: true,
      target: { env: 'prod', region: 'eu-west-1' },
      extra: { since: '7d', status: undefined },
    });
  });

  it.each([
    [['a.wav', '--env', 'prod', '--data-dir', '.local'], 'give one of them'],
    [['a.wav', '--region', 'eu-west-1'], '--region applies to a deployed environment'],
    [[], 'give one recording'],
    [['a', 'b'], 'give one recording'],
    [['--unknown', 'x'], 'unknown'],
  ])('refuses %j', (args, message) => {
    // Act / Assess
    expect(() => parseTargetArgs(args, { positionals: 1 })).toThrow(ConfigError);
    expect(() => parseTargetArgs(args, { positionals: 1 })).toThrow(message);
  });
});

describe('parseStatuses', () => {
  it('reads statuses in any case, and every status when none is given', () => {
    // Act / Assess
    expect(parseStatuses('evaluated, Rejected,EVALUATED')).toEqual(['EVALUATED', 'REJECTED']);
    expect(parseStatuses(undefined)).toEqual([...RECORDING_STATUSES]);
  });

  it('refuses an unknown status, naming it', () => {
    // Act / Assess
    expect(() => parseStatuses('EVALUATED,DONE')).toThrow('DONE');
  });
});
