/**
 * The Zoom QM simulator: a faithful local Zoom (OAuth + the six QM operations) for tests, the
 * local runtime and benchmarks. See README.md for scenarios, quirks and the control API.
 */
export type {
  EvaluationSummary,
  InteractionSummary,
  SimulatorControl,
  SimulatorModes,
  SimulatorSnapshot,
} from './control.ts';
export type { CounterSnapshot } from './counters.ts';
export type { DownloadRecord } from './download-queue.ts';
export type { DownloadOutcome, DownloadResult } from './downloader.ts';
export type { FaultKind, ForcedFault } from './faults.ts';
export type { SimulatorCredentials, TokenInfo } from './oauth.ts';
export {
  type EndpointName,
  type OperationDefinition,
  type OperationName,
  operations,
  type RateLimitLabel,
} from './operations.ts';
export { type Quirk, type QuirkLocation, quirks, quirksAt } from './quirks.ts';
export { planLimits } from './rate-limits.ts';
export {
  bundledScenarioDirectory,
  loadScenarioFile,
  parseScenario,
  type Scenario,
  type ScenarioInput,
} from './scenario.ts';
export { type StartZoomSimulatorOptions, startZoomSimulator, type ZoomSimulator } from './simulator.ts';
