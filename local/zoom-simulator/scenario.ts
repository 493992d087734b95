/**
 * What a simulator run looks like: credentials, modes, limits, timing, outcome mix, content size,
 * faults. A scenario is a JSON file (documented in README.md, examples in scenarios/) or an
 * object; either way it is validated here so a typo in a file is a clear error at start, not a
 * silently ignored setting.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { ConfigError } from '../../shared/errors.ts';
import { allQmScopes, endpointNames, operationNames, rateLimitLabels } from './operations.ts';
import type { DurationSpec } from './random.ts';

const probability = z.number().min(0).max(1);
const weight = z.number().min(0);

const durationSchema = z.union([
  z
    .number()
    .nonnegative()
    .transform((seconds): DurationSpec => ({ kind: 'fixed', seconds })),
  z.strictObject({ kind: z.literal('fixed'), seconds: z.number().nonnegative() }),
  z
    .strictObject({
      kind: z.literal('lognormal'),
      medianSeconds: z.number().positive(),
      sigma: z.number().nonnegative().default(1),
      maxSeconds: z.number().positive().optional(),
    })
    .transform(
      (spec): DurationSpec => ({
        kind: 'lognormal',
        medianSeconds: spec.medianSeconds,
        sigma: spec.sigma,
        maxSeconds: spec.maxSeconds ?? spec.medianSeconds * 100,
      }),
    ),
]);

/** A duration that defaults to a log-normal spread around `medianSeconds`, capped at `maxSeconds`. */
function lognormalDuration(medianSeconds: number, sigma: number, maxSeconds: number) {
  return durationSchema.default({ kind: 'lognormal', medianSeconds, sigma, maxSeconds });
}

/** Whether relative outcome weights leave any outcome possible. */
function anyWeightPositive(weights: Readonly<Record<string, number>>): boolean {
  return Object.values(weights).reduce((sum, value) => sum + value, 0) > 0;
}

const interactionOutcome = z.enum(['completed', 'failed', 'noEvaluation']);
const manualOutcome = z.enum(['completed', 'expired', 'canceled']);

const ruleSchema = z.strictObject({
  match: z
    .strictObject({
      downloadUrlIncludes: z.string().min(1).optional(),
      disposition: z.string().min(1).optional(),
    })
    .refine((match) => match.downloadUrlIncludes !== undefined || match.disposition !== undefined, {
      message: 'a rule must match on downloadUrlIncludes or disposition',
    }),
  outcome: interactionOutcome.optional(),
  manualEvaluation: z.enum([...manualOutcome.options, 'none']).optional(),
  analysis: durationSchema.optional(),
  transcriptBytes: z.number().int().positive().optional(),
});

const limitOverrideSchema = z.strictObject({
  perSecond: z.number().int().positive().nullable().optional(),
  perDay: z.number().int().positive().nullable().optional(),
});

export const faultSpecSchema = z
  .strictObject({
    serverErrorRate: probability.default(0),
    serverErrorStatuses: z.array(z.number().int().min(500).max(599)).min(1).default([500, 503]),
    malformedJsonRate: probability.default(0),
    dropConnectionRate: probability.default(0),
    latencyRate: probability.default(0),
    latencyMs: z
      .strictObject({ min: z.number().int().nonnegative(), max: z.number().int().nonnegative() })
      .refine((range) => range.min <= range.max, { message: 'latencyMs.min must not exceed latencyMs.max' })
      .default({ min: 200, max: 2000 }),
    afterHandling: z.boolean().default(false),
  })
  .refine((spec) => spec.serverErrorRate + spec.malformedJsonRate + spec.dropConnectionRate <= 1, {
    message: 'serverErrorRate + malformedJsonRate + dropConnectionRate must not exceed 1',
  });

export type FaultSpec = z.output<typeof faultSpecSchema>;

const agentSchema = z.strictObject({
  id: z.string().min(1),
  email: z.string().min(3),
  displayName: z.string().min(1),
});
const queueSchema = z.strictObject({ id: z.string().min(1), name: z.string().min(1) });

export const scenarioSchema = z.strictObject({
  description: z.string().optional(),
  seed: z.union([z.number().int(), z.string().min(1)]).default(1),
  credentials: z
    .strictObject({
      accountId: z.string().min(1).default('simAccount0000000000001'),
      clientId: z.string().min(1).default('simClientId00000000001'),
      clientSecret: z.string().min(1).default('sim-client-secret-for-local-tests-only'),
    })
    .prefault({}),
  oauth: z
    .strictObject({
      tokenLifetimeSeconds: z.number().int().positive().default(3600),
      revokePreviousTokens: z.boolean().default(false),
      scopes: z.array(z.string().min(1)).default([...allQmScopes]),
    })
    .prefault({}),
  quirks: z.boolean().default(true),
  idempotency: z
    .strictObject({
      // Zoom documents no Idempotency-Key: the simulator ignores it unless a scenario opts in.
      mode: z.enum(['honour', 'ignore']).default('ignore'),
      keyTtlSeconds: z.number().int().positive().default(86_400),
    })
    .prefault({}),
  rateLimits: z
    .strictObject({
      plan: z.enum(['free', 'pro', 'business']).default('pro'),
      limits: z.partialRecord(z.enum(rateLimitLabels), limitOverrideSchema).default({}),
      labels: z.partialRecord(z.enum(operationNames), z.enum(rateLimitLabels)).default({}),
    })
    .prefault({}),
  pagination: z
    .strictObject({
      nextPageTokenTtlSeconds: z.number().int().positive().default(900),
      defaultPageSize: z.number().int().min(1).max(99).default(30),
    })
    .prefault({}),
  processing: z
    .strictObject({
      timeScale: z.number().positive().max(1).default(1),
      analysis: lognormalDuration(600, 0.7, 21_600),
      outcomes: z
        .strictObject({ completed: weight, failed: weight, noEvaluation: weight })
        .refine(anyWeightPositive, { message: 'at least one outcome weight must be positive' })
        .default({ completed: 90, failed: 7, noEvaluation: 3 }),
      automatedEvaluations: z
        .strictObject({
          min: z.number().int().min(1).max(10).default(1),
          max: z.number().int().min(1).max(10).default(2),
          duration: lognormalDuration(900, 0.8, 43_200),
        })
        .refine((range) => range.min <= range.max, { message: 'min must not exceed max' })
        .prefault({}),
      manualEvaluations: z
        .strictObject({
          probability: probability.default(0.2),
          assignedAfter: lognormalDuration(14_400, 0.8, 259_200),
          completedAfter: lognormalDuration(172_800, 0.6, 1_209_600),
          outcomes: z
            .strictObject({ completed: weight, expired: weight, canceled: weight })
            .refine(anyWeightPositive, { message: 'at least one manual outcome weight must be positive' })
            .default({ completed: 8, expired: 1, canceled: 1 }),
        })
        .prefault({}),
      rules: z.array(ruleSchema).default([]),
    })
    .prefault({}),
  content: z
    .strictObject({
      transcriptBytes: z.number().int().min(500).max(2_000_000).default(6000),
      largeTranscriptProbability: probability.default(0),
      largeTranscriptBytes: z.number().int().min(500).max(2_000_000).default(450_000),
    })
    .prefault({}),
  downloads: z
    .strictObject({
      timeoutSeconds: z.number().positive().default(60),
      concurrency: z.number().int().min(1).max(256).default(8),
      minBytes: z.number().int().min(0).default(1),
    })
    .prefault({}),
  directory: z
    .strictObject({ agents: z.array(agentSchema).default([]), queues: z.array(queueSchema).default([]) })
    .optional(),
  backgroundInteractions: z
    .strictObject({
      count: z.number().int().min(0).max(10_000).default(0),
      spanDays: z.number().positive().default(7),
    })
    .prefault({}),
  faults: z.partialRecord(z.enum([...endpointNames, '*']), faultSpecSchema).default({}),
  /**
   * Zoom's QM webhooks, sent once a receiver subscribes (the local runtime does at start): the
   * URL validated first, each event signed with `secretToken`, an event not answered 200/204
   * within `timeoutMs` sent again after each of `retrySeconds` (Zoom's 5, 20 and 60 minutes,
   * compressed by `processing.timeScale`). The rates and the delay make a Zoom whose deliveries
   * go astray: dropped, sent twice, late, or signed with a wrong secret (then retried signed right).
   */
  webhooks: z
    .strictObject({
      secretToken: z.string().min(1).default('sim-webhook-secret-token-for-local-tests-only'),
      timeoutMs: z.number().int().positive().max(60_000).default(3_000),
      retrySeconds: z.array(z.number().positive()).max(10).default([300, 1_200, 3_600]),
      dropRate: probability.default(0),
      duplicateRate: probability.default(0),
      misSignRate: probability.default(0),
      delay: durationSchema.default({ kind: 'fixed', seconds: 0 }),
    })
    .prefault({}),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type InteractionOutcome = z.output<typeof interactionOutcome>;
export type ManualOutcome = z.output<typeof manualOutcome>;
export type OutcomeRule = z.output<typeof ruleSchema>;

/** Validates a scenario object; the error lists every offending field. */
export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(`invalid ${source}:\n${z.prettifyError(result.error)}`, { cause: result.error });
  }
  return result.data;
}

/** The folder of ready-made scenarios shipped with the simulator. */
export const bundledScenarioDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scenarios');

/**
 * Resolves `--scenario` values: an existing file path wins; otherwise a bare name such as
 * `strict` names a bundled scenario, so a newcomer need not know where the package lives.
 */
export function resolveScenarioPath(nameOrPath: string): string {
  if (existsSync(nameOrPath)) return path.resolve(nameOrPath);
  const bundled = path.join(bundledScenarioDirectory, `${nameOrPath.replace(/\.json$/, '')}.json`);
  if (!nameOrPath.includes('/') && existsSync(bundled)) return bundled;
  throw new ConfigError(`scenario file not found: ${nameOrPath}`);
}

/** Reads and validates a scenario file (JSON). */
export async function loadScenarioFile(nameOrPath: string): Promise<Scenario> {
  const filePath = resolveScenarioPath(nameOrPath);
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read scenario ${filePath}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Neither the parser's message nor the error as cause: both quote the text around the
    // mistake, which may be the client secret.
    throw new ConfigError(`scenario ${filePath} is not valid JSON`);
  }
  return parseScenario(parsed, `scenario ${filePath}`);
}
