/**
 * RateLimiter spaces calls to at most `perSecond` starts per second (0 = unlimited). It is a
 * token bucket of size 1: simple, fair in arrival order, and enough to keep a backend's own
 * rate limits from tripping.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export class RateLimiter {
  readonly #intervalMs: number;
  #nextAt = 0;

  constructor(perSecond: number) {
    this.#intervalMs = perSecond > 0 ? 1000 / perSecond : 0;
  }

  /** limits is false for an unlimited limiter, whose take() callers may skip. */
  get limits(): boolean {
    return this.#intervalMs > 0;
  }

  async take(signal?: AbortSignal): Promise<void> {
    if (this.#intervalMs === 0) return;
    const now = Date.now();
    const at = Math.max(now, this.#nextAt);
    this.#nextAt = at + this.#intervalMs;
    if (at > now) await sleep(at - now, undefined, { signal });
  }
}
