import type { RecordingFinishedMessage } from '../../shared/notify/messages.ts';
import type { HistoryEntry, Recording } from '../../shared/recordings/recording.ts';

/**
 * What the local runtime reports while it runs: each recording's progress as the state table
 * records it, each terminal outcome as a notification subscriber receives it, each alert, and the
 * problems a person should see (a function that failed, a local server that could not deliver).
 */
export type RuntimeEvent =
  | {
      readonly kind: 'progress';
      /** The recording as last read, and the transition it just made. */
      readonly recording: Recording;
      readonly entry: HistoryEntry;
    }
  | {
      readonly kind: 'outcome';
      /** The notification published for a finished recording. */
      readonly message: RecordingFinishedMessage;
      readonly receivedAt: number;
    }
  | {
      readonly kind: 'alert';
      readonly recordingId: string;
      readonly status: string;
      readonly subject: string;
      readonly body: string;
      readonly receivedAt: number;
    }
  | {
      readonly kind: 'problem';
      /** Which part reported it: a function's name, `local-aws`, `watch`... */
      readonly source: string;
      readonly message: string;
      readonly at: number;
    };

export type RuntimeEventListener = (event: RuntimeEvent) => void;

/** A set of listeners; a listener that throws never stops the others or the runtime. */
export class RuntimeEvents {
  readonly #listeners = new Set<RuntimeEventListener>();

  /** Adds a listener; the returned function removes it. */
  subscribe(listener: RuntimeEventListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  emit(event: RuntimeEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A display or a test listener must not break the runtime's own loops.
      }
    }
  }
}
