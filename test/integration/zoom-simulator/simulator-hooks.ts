/**
 * The hooks most simulator tests open with, registered in the calling describe block: a
 * recording server for the whole block, and the simulator each test starts, stopped after the
 * test (once its background downloads have settled, when asked), so no server outlives its test.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  type StartZoomSimulatorOptions,
  startZoomSimulator,
  type ZoomSimulator,
} from '../../../local/zoom-simulator/index.ts';
import { type RecordingServer, startRecordingServer } from './helpers.ts';

export interface SimulatorHooks {
  /** The block's recording server; usable from the first test on. */
  readonly recordings: RecordingServer;
  /** Starts the simulator of the current test. */
  start(options: StartZoomSimulatorOptions): Promise<ZoomSimulator>;
  /** The simulator the current test started. */
  readonly simulator: ZoomSimulator;
}

export function useSimulatorHooks(
  options: {
    /** The size of the files the recording server serves under /ok/. */
    readonly recordingBytes?: number;
    /** Waits for the test's downloads to finish before stopping its simulator. */
    readonly settleDownloads?: boolean;
  } = {},
): SimulatorHooks {
  let server: RecordingServer | undefined;
  let current: ZoomSimulator | undefined;

  beforeAll(async () => {
    server = await startRecordingServer(options.recordingBytes);
  });

  afterAll(async () => {
    await server?.stop();
  });

  afterEach(async () => {
    if (options.settleDownloads === true) await current?.control.downloadsSettled();
    await current?.stop();
    current = undefined;
  });

  const recordings: RecordingServer = {
    url: (path) => started('recording server', server).url(path),
    get requests() {
      return started('recording server', server).requests;
    },
    stop: () => started('recording server', server).stop(),
  };
  return {
    recordings,
    async start(startOptions) {
      current = await startZoomSimulator(startOptions);
      return current;
    },
    get simulator() {
      return started('simulator', current);
    },
  };
}

function started<T>(what: string, value: T | undefined): T {
  if (value === undefined) throw new Error(`the ${what} is not running: it starts in a hook or a test`);
  return value;
}
