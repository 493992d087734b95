/**
 * Ctrl-C (SIGINT) or SIGTERM: the first one asks the command to stop everything it started, in
 * order; a second one, while it stops, ends the process at once (the local AWS stack's exit hook
 * and orphan guard still stop DynamoDB Local then). The listener stays installed until disposed,
 * so no other handler of these signals concludes that nobody handles them.
 */
export interface StopSignal {
  /** The signal received so far, if any (one may arrive while the command is still starting). */
  readonly received: NodeJS.Signals | undefined;
  /** Resolves with the first signal. */
  readonly next: Promise<NodeJS.Signals>;
  /** Stops listening. */
  dispose(): void;
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** The exit status of a process ended by a second Ctrl-C (128 + SIGINT). */
const FORCED_EXIT = 130;

export function listenForStop(forceExit: () => void = defaultForceExit): StopSignal {
  let received: NodeJS.Signals | undefined;
  let resolveNext: (signal: NodeJS.Signals) => void = () => {};
  const next = new Promise<NodeJS.Signals>((resolve) => {
    resolveNext = resolve;
  });
  const handler = (signal: NodeJS.Signals): void => {
    if (received === undefined) {
      received = signal;
      resolveNext(signal);
      return;
    }
    forceExit();
  };
  for (const name of STOP_SIGNALS) process.on(name, handler);
  return {
    get received() {
      return received;
    },
    next,
    dispose: () => {
      for (const name of STOP_SIGNALS) process.off(name, handler);
    },
  };
}

function defaultForceExit(): void {
  console.error('Second stop signal: exiting now, without waiting for the functions in flight.');
  process.exit(FORCED_EXIT);
}
