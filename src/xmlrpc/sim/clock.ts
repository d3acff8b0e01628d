/**
 * SimClock is the virtual clock every simulator reads instead of Date.now(): it runs with real
 * time plus an offset that tests (or `converge.sim.advanceClock`) move forward, so expiry, timeouts
 * and "in 4 hours" can be tested in milliseconds. It never goes backwards.
 */
export class SimClock {
  #offsetMs = 0;

  constructor(offsetMs = 0) {
    this.#offsetMs = offsetMs;
  }

  /** now returns the virtual time in epoch milliseconds. */
  now(): number {
    return Date.now() + this.#offsetMs;
  }

  /** advance moves the clock forward by `ms` (negative values are ignored). */
  advance(ms: number): void {
    if (ms > 0) this.#offsetMs += ms;
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }
}
