/**
 * ResyncTimer fires every `periodMs`, give or take `jitter` (a fraction: 0.1 = ±10%), so that
 * several controllers started together do not read their backends in lock step. The resync is
 * the safety net under the event streams: it re-reads everything and queues every key.
 */
export class ResyncTimer {
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    private readonly periodMs: number,
    private readonly fire: () => void,
    private readonly jitter = 0.1,
    private readonly random: () => number = Math.random,
  ) {
    this.#schedule();
  }

  /** nextDelay is the wait before the next resync: periodMs·(1 ± jitter). */
  nextDelay(): number {
    return Math.round(this.periodMs * (1 + this.jitter * (2 * this.random() - 1)));
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.fire();
      this.#schedule();
    }, Math.min(this.nextDelay(), 2 ** 31 - 1));
    this.#timer.unref();
  }
}
