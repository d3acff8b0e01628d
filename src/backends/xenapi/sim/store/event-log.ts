/**
 * EventLog is the database generation counter and a bounded log of row changes, which is all
 * event.from and event.next need (xenapi.md §5, §7.12):
 * - every create, modify and delete of an evented class gets the next generation;
 * - the log keeps the last `limit` entries; a reader whose position is older than the oldest
 *   dropped entry has lost events (`isLost`), and so has every reader after `dropAll`;
 * - `wait` blocks a long-poll until the next change, `notify`, the timeout or an abort.
 */
export type EventOp = 'add' | 'mod' | 'del';

export interface EventEntry {
  gen: number;
  cls: string;
  ref: string;
  op: EventOp;
  /** at is the virtual time of the change, epoch milliseconds. */
  at: number;
}

export class EventLog {
  #gen: number;
  #entries: EventEntry[] = [];
  /** #head: entries before it were dropped (not yet cut off the array). */
  #head = 0;
  #lostBefore: number;
  readonly #limit: number;
  readonly #waiters = new Set<() => void>();

  /** A log restarted at `startGen` has lost everything before it (tokens of a previous run). */
  constructor(limit: number, startGen = 0) {
    this.#limit = Math.max(1, limit);
    this.#gen = startGen;
    this.#lostBefore = startGen;
  }

  get generation(): number {
    return this.#gen;
  }

  record(cls: string, ref: string, op: EventOp, at: number): number {
    this.#gen += 1;
    this.#entries.push({ gen: this.#gen, cls, ref, op, at });
    if (this.#entries.length - this.#head > this.#limit) {
      this.#head += 1;
      this.#lostBefore = Math.max(this.#lostBefore, this.#entries[this.#head - 1]?.gen ?? 0);
      // Dropped entries are cut off in one go once they are as many as the kept ones, so that
      // recording stays O(1) amortised instead of shifting the whole log on every change.
      if (this.#head >= this.#limit) {
        this.#entries = this.#entries.slice(this.#head);
        this.#head = 0;
      }
    }
    this.notify();
    return this.#gen;
  }

  /** since returns the kept entries newer than generation `gen`, oldest first. */
  since(gen: number): EventEntry[] {
    let lo = this.#head;
    let hi = this.#entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#entries[mid]?.gen ?? 0) <= gen) lo = mid + 1;
      else hi = mid;
    }
    return this.#entries.slice(lo);
  }

  /** isLost: a reader that has seen everything up to `gen` missed entries the log dropped. */
  isLost(gen: number): boolean {
    return gen < this.#lostBefore;
  }

  /** dropAll forgets the log: every position handed out so far is lost. The generation moves
   * on by one so that positions handed out afterwards are told apart from the lost ones. */
  dropAll(): void {
    this.#entries = [];
    this.#head = 0;
    this.#gen += 1;
    this.#lostBefore = this.#gen;
    this.notify();
  }

  /** notify wakes the waiters on the next turn of the event loop, so that the call that made
   * the change (derived fields, persistence) finishes before they read. */
  notify(): void {
    if (this.#waiters.size === 0) return;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    setImmediate(() => waiters.forEach((wake) => wake()));
  }

  /** wait resolves on the next change or notify, after `ms`, or when `signal` aborts. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.#waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
