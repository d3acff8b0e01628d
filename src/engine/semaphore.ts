/**
 * Semaphore bounds concurrency: at most `limit` holders at once, served in arrival order.
 * `run` acquires, runs, and always releases. Acquire and release are O(1) however many wait
 * (5,000 queued actions made `Array.shift` a copy of the queue per release).
 */
export class Semaphore {
  readonly limit: number;
  #active = 0;
  #waiting: Array<() => void> = [];
  #head = 0;

  constructor(limit: number) {
    this.limit = Math.max(1, limit);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.#acquire();
    try {
      return await fn();
    } finally {
      this.#release();
    }
  }

  #acquire(): Promise<void> {
    if (this.#active < this.limit) {
      this.#active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting[this.#head];
    if (!next) {
      this.#active -= 1;
      return;
    }
    this.#waiting[this.#head] = undefined as never;
    this.#head += 1;
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
    next();
  }
}

/** mapLimit maps `items` through `fn` with at most `limit` in flight, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const semaphore = new Semaphore(limit);
  return Promise.all(items.map((item) => semaphore.run(() => fn(item))));
}
