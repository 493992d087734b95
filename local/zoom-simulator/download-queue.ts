/**
 * Runs the recording downloads Zoom performs after each POST, a bounded number at a time (a
 * benchmark posting thousands of interactions must not open thousands of sockets), and keeps a
 * record of each for the inspection API. `settled()` lets a test wait for the downloads on
 * state instead of on time.
 */
import type { Clock } from '../../shared/clock.ts';
import { type DownloadResult, downloadRecording, redactUrl } from './downloader.ts';

export interface DownloadRecord {
  readonly interactionId: string;
  /** Without its query string: presigned signatures are secrets. */
  readonly url: string;
  readonly state: 'queued' | 'running' | 'finished';
  readonly queuedAt: string;
  readonly finishedAt: string | undefined;
  readonly result: DownloadResult | undefined;
}

interface Job {
  readonly interactionId: string;
  readonly url: string;
  readonly queuedAt: number;
  state: DownloadRecord['state'];
  finishedAt: number | undefined;
  result: DownloadResult | undefined;
}

export interface DownloadQueueOptions {
  readonly clock: Clock;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly minBytes: number;
  /** Called once per download, with the wall-clock time it finished. */
  readonly onFinished: (interactionId: string, result: DownloadResult, finishedAt: number) => void;
}

export class DownloadQueue {
  readonly #options: DownloadQueueOptions;
  readonly #jobs: Job[] = [];
  readonly #waiting: Job[] = [];
  readonly #stop = new AbortController();
  readonly #idleWaiters: Array<() => void> = [];
  #running = 0;

  constructor(options: DownloadQueueOptions) {
    this.#options = options;
  }

  enqueue(interactionId: string, url: string): void {
    const job: Job = {
      interactionId,
      url,
      queuedAt: this.#options.clock.now(),
      state: 'queued',
      finishedAt: undefined,
      result: undefined,
    };
    this.#jobs.push(job);
    this.#waiting.push(job);
    this.#pump();
  }

  /** Resolves once no download is queued or running. */
  settled(): Promise<void> {
    if (this.#running === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  list(): DownloadRecord[] {
    return this.#jobs.map((job) => ({
      interactionId: job.interactionId,
      url: redactUrl(job.url),
      state: job.state,
      queuedAt: new Date(job.queuedAt).toISOString(),
      finishedAt: job.finishedAt === undefined ? undefined : new Date(job.finishedAt).toISOString(),
      result: job.result,
    }));
  }

  /** Aborts every download and waits for them to wind down. */
  async stop(): Promise<void> {
    this.#waiting.length = 0;
    this.#stop.abort();
    await this.settled();
  }

  #pump(): void {
    while (this.#running < this.#options.concurrency && !this.#stop.signal.aborted) {
      const job = this.#waiting.shift();
      if (job === undefined) break;
      this.#running += 1;
      job.state = 'running';
      void this.#run(job);
    }
    if (this.#running === 0 && this.#waiting.length === 0) {
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }

  async #run(job: Job): Promise<void> {
    try {
      const result = await downloadRecording(job.url, {
        timeoutMs: this.#options.timeoutMs,
        minBytes: this.#options.minBytes,
        signal: this.#stop.signal,
      });
      const finishedAt = this.#options.clock.now();
      job.result = result;
      job.finishedAt = finishedAt;
      job.state = 'finished';
      if (!this.#stop.signal.aborted) this.#options.onFinished(job.interactionId, result, finishedAt);
    } finally {
      this.#running -= 1;
      this.#pump();
    }
  }
}
