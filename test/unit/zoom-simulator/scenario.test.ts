import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bundledScenarioDirectory,
  loadScenarioFile,
  parseScenario,
  resolveScenarioPath,
} from '../../../local/zoom-simulator/scenario.ts';
import { ConfigError } from '../../../shared/errors.ts';

describe('zoom simulator: scenarios', () => {
  it('fills Zoom-like defaults from an empty scenario', () => {
    // Act
    const scenario = parseScenario({});

    // Assess
    expect(scenario).toMatchObject({
      quirks: true,
      oauth: { tokenLifetimeSeconds: 3600, revokePreviousTokens: false },
      idempotency: { mode: 'ignore' },
      rateLimits: { plan: 'pro' },
      pagination: { nextPageTokenTtlSeconds: 900, defaultPageSize: 30 },
      processing: { timeScale: 1, analysis: { kind: 'lognormal', medianSeconds: 600 } },
    });
    expect(scenario.oauth.scopes).toContain('zoom_quality_management:write:interactions:admin');
  });

  it('reads a number as a fixed duration and completes a lognormal one', () => {
    // Act
    const scenario = parseScenario({
      processing: {
        analysis: 120,
        automatedEvaluations: { duration: { kind: 'lognormal', medianSeconds: 60 } },
      },
    });

    // Assess
    expect(scenario.processing.analysis).toEqual({ kind: 'fixed', seconds: 120 });
    expect(scenario.processing.automatedEvaluations.duration).toEqual({
      kind: 'lognormal',
      medianSeconds: 60,
      sigma: 1,
      maxSeconds: 6000,
    });
  });

  it.each([
    [{ quirk: true }, /Unrecognized key.*quirk/],
    [{ processing: { timeScale: 0 } }, /processing\.timeScale/],
    [
      { faults: { listInteractions: { serverErrorRate: 0.6, dropConnectionRate: 0.6 } } },
      /must not exceed 1/,
    ],
    [{ faults: { deleteAll: {} } }, /faults/],
    [{ processing: { rules: [{ match: {}, outcome: 'failed' }] } }, /downloadUrlIncludes or disposition/],
    [
      { processing: { outcomes: { completed: 0, failed: 0, noEvaluation: 0 } } },
      /at least one outcome weight/,
    ],
  ])('rejects %j with a ConfigError naming the problem', (input, message) => {
    // Act
    const parse = () => parseScenario(input);

    // Assess
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(message);
  });

  it.each(readdirSync(bundledScenarioDirectory).filter((file) => file.endsWith('.json')))(
    'ships a valid bundled scenario: %s',
    async (file) => {
      // Act
      const scenario = await loadScenarioFile(path.join(bundledScenarioDirectory, file));

      // Assess
      expect(scenario.description).toEqual(expect.any(String));
    },
  );

  it('resolves a bundled scenario by name and refuses an unknown one', () => {
    // Act
    const resolved = resolveScenarioPath('strict');
    const unknown = () => resolveScenarioPath('no-such-scenario');

    // Assess
    expect(resolved).toBe(path.join(bundledScenarioDirectory, 'strict.json'));
    expect(unknown).toThrow(ConfigError);
  });

  it('reports a file that is not JSON without quoting its content', async () => {
    // Prepare
    const directory = await mkdtemp(path.join(tmpdir(), 'zoom-simulator-scenario-'));
    const file = path.join(directory, 'broken.json');
    await writeFile(file, '{ "credentials": { "clientSecret": "do-not-print-me" ');

    // Act
    const error = await loadScenarioFile(file).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(`scenario ${file} is not valid JSON`);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('do-not-print-me');
    await rm(directory, { recursive: true });
  });
});
