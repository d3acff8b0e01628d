/**
 * KeyBackoff is the per-key failure rate limiter of the work queue (controller-runtime's
 * ItemExponentialFailureRateLimiter): the n-th consecutive retry of a key waits base·2ⁿ⁻¹,
 * capped at max; `forget` (after a success) starts the key over.
 */
export interface KeyBackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_KEY_BACKOFF: KeyBackoffPolicy = { baseMs: 1_000, maxMs: 5 * 60_000 };

export class KeyBackoff {
  readonly #failures = new Map<string, number>();

  constructor(readonly policy: KeyBackoffPolicy = DEFAULT_KEY_BACKOFF) {}

  /** next counts one more failure of `key` and returns how long to wait before retrying it. */
  next(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    return Math.min(this.policy.maxMs, this.policy.baseMs * 2 ** Math.min(failures, 40));
  }

  /** retries is how many consecutive failures `key` has had. */
  retries(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }
}
