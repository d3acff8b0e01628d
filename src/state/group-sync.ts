/**
 * GroupSync answers a journal's durable appends (begin, settle) once an fdatasync that started
 * after their line was written has succeeded: one fdatasync at a time, each covering every line
 * written before it started (fdatasync flushes every earlier write of the file). It runs beside
 * the writes: lines are written (under the journal's exclusive lock) while an fdatasync is in
 * flight, and wait for the next one; a non-durable line (resolve) is answered once written, no
 * longer held behind an fdatasync of other callers' lines.
 */
interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

export class GroupSync {
  readonly #datasync: () => Promise<void>;
  #waiting: Waiter[] = [];
  #running: Promise<void> | undefined;

  /** `datasync` fdatasyncs the file the lines were written to. */
  constructor(datasync: () => Promise<void>) {
    this.#datasync = datasync;
  }

  /** add registers a line already written; it is answered after the next fdatasync that starts. */
  add(waiter: Waiter): void {
    this.#waiting.push(waiter);
    this.#running ??= this.#loop();
  }

  /** idle resolves once no fdatasync is running or due (before the descriptor is closed or synced). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #loop(): Promise<void> {
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting;
        this.#waiting = [];
        try {
          await this.#datasync();
          for (const waiter of batch) waiter.resolve();
        } catch (error) {
          for (const waiter of batch) waiter.reject(error);
        }
      }
    } finally {
      this.#running = undefined; // in the same step as the last check: an add after it starts a new loop
    }
  }
}
