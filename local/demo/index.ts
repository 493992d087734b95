/**
 * The demo of `qm-ingest local --demo N`: a plan of drops with their expected outcomes, generated
 * audio, the run on a local runtime and its results table.
 */

export {
  type DemoBody,
  type DemoExpectation,
  type DemoRecording,
  type DemoSidecar,
  demoPlan,
  MAX_DEMO_RECORDINGS,
} from './plan.ts';
export { formatDemoReport } from './report.ts';
export { type DemoOptions, type DemoReport, type DemoResult, runDemo } from './run-demo.ts';
export { DEMO_SCENARIO_FILE } from './scenario-file.ts';
export { callLikeWav, generateWav, type ToneSpec, WAV_HEADER_BYTES, type WavSpec } from './wav.ts';
