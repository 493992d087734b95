/**
 * The local runtime: the whole pipeline on one machine (see runtime.ts). `qm-ingest local`, the
 * demo and the end-to-end tests start it through this module.
 */
export { type LocalClients, localDynamoDbClient } from './aws-clients.ts';
export {
  type DataPaths,
  dataPaths,
  isProcessRunning,
  type RuntimeState,
  readRuntimeState,
  runningRuntime,
} from './data-dir.ts';
export {
  LOCAL_ENVIRONMENT_NAME,
  LOCAL_KEY_TEMPLATE,
  LOCAL_RECORDING_PREFIX,
  LOCAL_ZOOM_PROFILE,
  LOCAL_ZOOM_SECRET_NAME,
  type LocalTiming,
} from './environment.ts';
export { LocalRuntimeError } from './errors.ts';
export type { RuntimeEvent, RuntimeEventListener } from './events.ts';
export {
  checkDistinctPorts,
  DEFAULT_BASE_PORT,
  LOCAL_PORT_NAMES,
  type LocalPortName,
  type LocalPorts,
  parsePort,
  portOptionOf,
  portsFromBase,
} from './ports.ts';
export { dropCallRecording, recordingsWithKeys } from './recordings.ts';
export { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from './runtime.ts';
