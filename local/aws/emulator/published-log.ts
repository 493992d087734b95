/**
 * What an emulated service published, kept so tests and the local runtime can show it (the
 * notifications and alerts the pipeline sends go nowhere visible otherwise). Bounded: the oldest
 * records go first once `capacity` is reached, so a long local run cannot grow without limit.
 */
export class PublishedLog<Entry> {
  readonly #entries: Entry[] = [];
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  add(entry: Entry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.#capacity) this.#entries.splice(0, this.#entries.length - this.#capacity);
  }

  /** A copy of the records, oldest first. */
  list(): Entry[] {
    return [...this.#entries];
  }
}
