/**
 * Stops several things without letting one failure keep the others running: every stop is
 * attempted, its error collected, and the caller reports them all at the end.
 */
export class StopAttempts {
  readonly #errors: unknown[] = [];

  /** Runs `stop` (if any), recording rather than throwing its error. */
  readonly attempt = async (stop: (() => Promise<void>) | undefined): Promise<void> => {
    try {
      await stop?.();
    } catch (error) {
      this.#errors.push(error);
    }
  };

  /** Every error the attempts met, as one cause; undefined when everything stopped. */
  failures(): AggregateError | undefined {
    return this.#errors.length === 0 ? undefined : new AggregateError(this.#errors);
  }
}
