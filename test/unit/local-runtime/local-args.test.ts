import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, DEMO_DATA_DIR, parseLocalArgs } from '../../../cli/local-args.ts';
import { ConfigError } from '../../../shared/errors.ts';

describe('parseLocalArgs', () => {
  it('runs interactively by default: .local/, kept data, the default scenario, ports from 4566, webhooks on', () => {
    // Act
    const command = parseLocalArgs([]);

    // Assess
    expect(command).toEqual({
      kind: 'run',
      demo: undefined,
      dataDir: DEFAULT_DATA_DIR,
      clean: false,
      scenario: 'default',
      ports: {
        s3: 4566,
        sqs: 4567,
        dynamodb: 4568,
        secretsManager: 4569,
        sns: 4570,
        eventBridge: 4571,
        zoom: 4572,
      },
      webhooks: true,
    });
  });

  it("turns the simulator's webhooks off with --no-webhooks, for the demo too", () => {
    expect(parseLocalArgs(['--no-webhooks'])).toMatchObject({ kind: 'run', webhooks: false });
    expect(parseLocalArgs(['--demo', '2', '--no-webhooks'])).toMatchObject({
      kind: 'run',
      demo: 2,
      webhooks: false,
    });
    expect(parseLocalArgs(['--demo', '2'])).toMatchObject({ kind: 'run', webhooks: true });
  });

  it('runs the demo clean, in its own folder, on free ports, with its own scenario', () => {
    // Act
    const command = parseLocalArgs(['--demo', '6']);

    // Assess
    expect(command).toMatchObject({
      kind: 'run',
      demo: 6,
      dataDir: DEMO_DATA_DIR,
      clean: true,
      scenario: undefined,
    });
    expect(command.kind === 'run' && Object.values(command.ports).every((port) => port === 0)).toBe(true);
  });

  it('takes a base and single ports, the single ones winning', () => {
    // Act
    const command = parseLocalArgs(['--ports', '5000', '--port-zoom', '4010', '--port-secrets-manager', '0']);

    // Assess
    expect(command).toMatchObject({
      ports: {
        s3: 5000,
        sqs: 5001,
        dynamodb: 5002,
        secretsManager: 0,
        sns: 5004,
        eventBridge: 5005,
        zoom: 4010,
      },
    });
  });

  it('takes a data folder, --clean and a scenario', () => {
    // Act
    const command = parseLocalArgs(['--data-dir', '/tmp/qm', '--clean', '--scenario', 'strict']);

    // Assess
    expect(command).toMatchObject({ dataDir: '/tmp/qm', clean: true, scenario: 'strict' });
  });

  it('shows the help', () => {
    // Act / Assess
    expect(parseLocalArgs(['-h'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--demo', '0'], '--demo'],
    [['--demo', 'many'], '--demo'],
    [['--demo', '4', '--scenario', 'strict'], '--scenario cannot be used with --demo'],
    [['--ports', '70000'], '--ports'],
    [['--port-s3', '5000', '--port-sqs', '5000'], 'both ask for port 5000'],
    [['--verbose'], 'verbose'],
    [['extra'], 'extra'],
  ])('refuses %j, saying why', (args, message) => {
    // Act / Assess
    expect(() => parseLocalArgs(args)).toThrow(ConfigError);
    expect(() => parseLocalArgs(args)).toThrow(message);
  });
});
