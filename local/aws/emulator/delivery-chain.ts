/**
 * The deliveries of an emulator that publishes (SNS, EventBridge), run one after another in the
 * order they were scheduled, after the call that caused them has answered, as AWS delivers
 * asynchronously. A delivery records its own outcome; one that throws anyway is logged here, so
 * the chain goes on with the next.
 */
export class DeliveryChain {
  readonly #onFailure: (error: unknown) => void;
  #tail: Promise<void> = Promise.resolve();

  constructor(onFailure: (error: unknown) => void) {
    this.#onFailure = onFailure;
  }

  schedule(delivery: () => Promise<void>): void {
    this.#tail = this.#tail.then(delivery).catch(this.#onFailure);
  }

  /** Resolves once every delivery scheduled so far has finished. */
  settled(): Promise<void> {
    return this.#tail;
  }
}
