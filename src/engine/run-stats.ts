/**
 * RunStats counts what a run did against the backends: calls by method and outcome, and the calls
 * that were retried (with the error that caused it). The report prints it; benchmarks read it;
 * tests assert "no mutating call" on it.
 */
import type { CallEvent } from '../xmlrpc/client.js';

export interface MethodCounts {
  ok: number;
  fault: number;
  error: number;
}

export interface RetryRecord {
  method: string;
  code: string;
  count: number;
}

export class RunStats {
  readonly calls = new Map<string, MethodCounts>();
  readonly #retries = new Map<string, RetryRecord>();
  /** mutations counts mutating calls by method; every one passes through ApplyContext.mutate. */
  readonly mutations = new Map<string, number>();

  recordMutation(method: string): void {
    this.mutations.set(method, (this.mutations.get(method) ?? 0) + 1);
  }

  mutatingCalls(): number {
    let total = 0;
    for (const n of this.mutations.values()) total += n;
    return total;
  }

  recordCall(event: CallEvent): void {
    const counts = this.calls.get(event.method) ?? { ok: 0, fault: 0, error: 0 };
    counts[event.outcome] += 1;
    this.calls.set(event.method, counts);
  }

  recordRetry(method: string, code: string): void {
    const id = `${method}\u0000${code}`;
    const record = this.#retries.get(id) ?? { method, code, count: 0 };
    record.count += 1;
    this.#retries.set(id, record);
  }

  get retries(): RetryRecord[] {
    return [...this.#retries.values()].sort((a, b) => b.count - a.count || a.method.localeCompare(b.method));
  }

  totalCalls(): number {
    let total = 0;
    for (const c of this.calls.values()) total += c.ok + c.fault + c.error;
    return total;
  }

  /** callsByMethod flattens to {method: total}, sorted by name. */
  callsByMethod(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const method of [...this.calls.keys()].sort()) {
      const c = this.calls.get(method)!;
      out[method] = c.ok + c.fault + c.error;
    }
    return out;
  }
}
