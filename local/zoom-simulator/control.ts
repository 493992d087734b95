/**
 * The simulator's test-facing surface, programmatic and (through http/control-routes.ts) over
 * HTTP: what happened (calls, 429s, faults, tokens, downloads, interactions and their states)
 * and levers (reset counters, switch modes, revoke tokens, move manual evaluations along,
 * change or force faults).
 */
import * as z from 'zod';
import type { Clock } from '../../shared/clock.ts';
import type { CounterSnapshot, Counters } from './counters.ts';
import type { DownloadQueue, DownloadRecord } from './download-queue.ts';
import { redactUrl } from './downloader.ts';
import type { FaultInjector, ForcedFault } from './faults.ts';
import {
  automatedStatusAt,
  type InteractionStore,
  manualStatusAt,
  type Stage,
  stageAt,
} from './interactions.ts';
import type { TokenAuthority, TokenInfo } from './oauth.ts';
import type { EndpointName } from './operations.ts';
import type { RateLimitWindows } from './rate-limits.ts';
import { type FaultSpec, faultSpecSchema, type InteractionOutcome } from './scenario.ts';
import type { ApiModes } from './zoom-api.ts';

export const modesSchema = z.strictObject({
  quirks: z.boolean().optional(),
  idempotency: z.enum(['honour', 'ignore']).optional(),
  revokePreviousTokens: z.boolean().optional(),
  tokenLifetimeSeconds: z.number().int().positive().optional(),
});

export interface SimulatorModes {
  readonly quirks: boolean;
  readonly idempotency: 'honour' | 'ignore';
  readonly revokePreviousTokens: boolean;
  readonly tokenLifetimeSeconds: number;
}

export interface EvaluationSummary {
  readonly id: string;
  readonly type: 'Automated' | 'Manual';
  /** The status as of now; undefined while the evaluation does not exist yet. */
  readonly status: string | undefined;
  readonly finalStatus: string;
  /** When it reaches (or reached) its final status; undefined until the interaction is analysed. */
  readonly finalAt: string | undefined;
}

export interface InteractionSummary {
  readonly id: string;
  readonly source: 'api' | 'background';
  readonly submittedAt: string;
  /** Without its query string. */
  readonly downloadUrl: string | undefined;
  readonly stage: Stage;
  readonly outcome: InteractionOutcome;
  /** When it becomes (or became) visible in the API; undefined until downloaded. */
  readonly visibleAt: string | undefined;
  readonly evaluations: readonly EvaluationSummary[];
}

export interface SimulatorSnapshot extends CounterSnapshot {
  /** The simulator clock's time when the snapshot was taken. */
  readonly now: string;
  readonly modes: SimulatorModes;
  readonly tokens: { readonly issued: number; readonly list: readonly TokenInfo[] };
  readonly downloads: readonly DownloadRecord[];
  readonly interactions: readonly InteractionSummary[];
}

export interface SimulatorControl {
  /** Zeroes calls, 429s, faults and replays (interactions, tokens and downloads stay). */
  resetCounters(): void;
  /** Forgets rate-limit usage, as if a new day had begun. */
  resetRateLimits(): void;
  /** Switches modes for the requests that follow; returns the modes now in force. */
  setModes(modes: z.input<typeof modesSchema>): SimulatorModes;
  /** Invalidates every token issued so far; returns how many were still valid. */
  revokeTokens(): number;
  /** Moves manual evaluations of analysed interactions forward by simulated seconds; returns how many moved. */
  advanceManualEvaluations(simulatedSeconds: number): number;
  /** Brings every manual evaluation of an analysed interaction to its final status now. */
  finishManualEvaluations(): number;
  /** Replaces the random faults of an endpoint (or all, '*'); undefined removes them. */
  setFaults(endpoint: EndpointName | '*', spec: z.input<typeof faultSpecSchema> | undefined): void;
  /** Queues faults the next requests to `endpoint` get, in order. */
  forceFaults(endpoint: EndpointName, faults: readonly ForcedFault[]): void;
  /** Resolves once no recording download is queued or running. */
  downloadsSettled(): Promise<void>;
}

export interface ControlDependencies {
  readonly clock: Clock;
  readonly counters: Counters;
  readonly rateLimits: RateLimitWindows;
  readonly tokens: TokenAuthority;
  readonly store: InteractionStore;
  readonly downloads: DownloadQueue;
  readonly faults: FaultInjector;
  readonly apiModes: ApiModes;
}

export function createControl(deps: ControlDependencies): {
  control: SimulatorControl;
  inspect: () => SimulatorSnapshot;
} {
  const modes = (): SimulatorModes => ({
    quirks: deps.apiModes.quirks,
    idempotency: deps.apiModes.idempotency,
    revokePreviousTokens: deps.tokens.modes.revokePreviousTokens,
    tokenLifetimeSeconds: deps.tokens.modes.tokenLifetimeSeconds,
  });

  const control: SimulatorControl = {
    resetCounters: () => deps.counters.reset(),
    resetRateLimits: () => deps.rateLimits.reset(),
    setModes(input) {
      const changes = modesSchema.parse(input);
      if (changes.quirks !== undefined) deps.apiModes.quirks = changes.quirks;
      if (changes.idempotency !== undefined) deps.apiModes.idempotency = changes.idempotency;
      if (changes.revokePreviousTokens !== undefined)
        deps.tokens.modes.revokePreviousTokens = changes.revokePreviousTokens;
      if (changes.tokenLifetimeSeconds !== undefined)
        deps.tokens.modes.tokenLifetimeSeconds = changes.tokenLifetimeSeconds;
      return modes();
    },
    revokeTokens: () => deps.tokens.revokeAll(),
    advanceManualEvaluations(simulatedSeconds) {
      z.number().nonnegative().parse(simulatedSeconds);
      return deps.store.advanceManualEvaluations(simulatedSeconds * 1000);
    },
    finishManualEvaluations: () => deps.store.finishManualEvaluations(),
    setFaults(endpoint, spec) {
      const parsed: FaultSpec | undefined = spec === undefined ? undefined : faultSpecSchema.parse(spec);
      deps.faults.setSpec(endpoint, parsed);
    },
    forceFaults: (endpoint, faults) => deps.faults.force(endpoint, faults),
    downloadsSettled: () => deps.downloads.settled(),
  };

  const inspect = (): SimulatorSnapshot => {
    const now = deps.clock.now();
    const iso = (epochMs: number | undefined) =>
      epochMs === undefined ? undefined : new Date(epochMs).toISOString();
    const tokens = deps.tokens.list();
    return {
      ...deps.counters.snapshot(),
      now: new Date(now).toISOString(),
      modes: modes(),
      tokens: { issued: tokens.length, list: tokens },
      downloads: deps.downloads.list(),
      interactions: deps.store.all().map((record) => ({
        id: record.id,
        source: record.source,
        submittedAt: new Date(record.submittedAt).toISOString(),
        downloadUrl: record.input.downloadUrl === undefined ? undefined : redactUrl(record.input.downloadUrl),
        stage: stageAt(record, now),
        outcome: record.outcome,
        visibleAt: iso(record.analysisDoneAt),
        evaluations: [
          ...record.automated.map((evaluation) => ({
            id: evaluation.id,
            type: 'Automated' as const,
            status: automatedStatusAt(evaluation, now),
            finalStatus: evaluation.finalStatus,
            finalAt: iso(evaluation.finalAt),
          })),
          ...(record.manual === undefined
            ? []
            : [
                {
                  id: record.manual.id,
                  type: 'Manual' as const,
                  status: manualStatusAt(record.manual, now),
                  finalStatus: record.manual.finalStatus,
                  finalAt: iso(record.manual.finalAt),
                },
              ]),
        ],
      })),
    };
  };

  return { control, inspect };
}
