/**
 * Capped exponential backoff with full jitter (the AWS architecture-blog variant): the delay for
 * attempt n is uniform in [base, min(max, base·2ⁿ)]. `retryTransient` retries only TRANSIENT
 * ConvergeErrors, and only for calls the caller knows are safe to repeat (reads, or writes whose
 * failure is known to have happened before the server acted). Mutating calls with an unknown
 * outcome are not retried here: the converge loop re-observes first.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { asConvergeError, ConvergeError } from '../errors/converge-error.js';

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  attempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 100, maxMs: 5_000, attempts: 8 };

export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.round(policy.baseMs + random() * (ceiling - policy.baseMs));
}

export interface RetryOptions {
  signal?: AbortSignal;
  policy?: BackoffPolicy;
  /** onRetry is told before each new attempt (for progress output and the run report). */
  onRetry?: (error: ConvergeError, attempt: number, delayMs: number) => void;
}

export async function retryTransient<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy = options.policy ?? DEFAULT_BACKOFF;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (thrown) {
      const error = asConvergeError(thrown);
      if (!error.retryable || attempt >= policy.attempts || options.signal?.aborted) throw error;
      const delayMs = backoffDelay(attempt, policy);
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, undefined, { signal: options.signal });
    }
  }
}
