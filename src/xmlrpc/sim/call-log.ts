/**
 * CallLog records every call a simulator answered, in order, for tests and for people debugging
 * their scripts (`converge.sim.callLog`). Parameters are kept with credential-looking struct
 * members replaced, so the log itself never holds a secret. It is bounded: the oldest entries
 * are dropped past `limit`.
 */
import type { XmlRpcValue } from '../value.js';
import { isStruct } from '../value.js';

/** CallOutcome: `failure:<CODE>` is an API failure answered as a value (see the server's classifyResult). */
export type CallOutcome = 'ok' | 'fault' | `injected:${string}` | 'error' | `failure:${string}`;

export interface CallLogEntry {
  seq: number;
  at: number;
  method: string;
  params: XmlRpcValue[];
  outcome: CallOutcome;
  durationMs: number;
}

const SECRET_MEMBER = /^(password|passwd|pass|token|secret|api_?key|apikey|private_?key|pwd)$/i;

export function scrubParams(value: XmlRpcValue): XmlRpcValue {
  if (Array.isArray(value)) return value.map(scrubParams);
  if (isStruct(value)) {
    const out: Record<string, XmlRpcValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_MEMBER.test(k) ? '[redacted]' : scrubParams(v);
    return out;
  }
  return value;
}

export class CallLog {
  #entries: CallLogEntry[] = [];
  #seq = 0;
  readonly limit: number;

  constructor(limit = 100_000) {
    this.limit = limit;
  }

  record(entry: Omit<CallLogEntry, 'seq' | 'params'> & { params: XmlRpcValue[] }): void {
    this.#seq += 1;
    this.#entries.push({ ...entry, seq: this.#seq, params: entry.params.map(scrubParams) });
    if (this.#entries.length > this.limit) this.#entries.splice(0, this.#entries.length - this.limit);
  }

  /** since returns the entries after sequence number `seq` (0 = all kept). */
  since(seq = 0): CallLogEntry[] {
    return this.#entries.filter((e) => e.seq > seq);
  }

  /** countByMethod tallies calls per method name, optionally after sequence `seq`. */
  countByMethod(seq = 0): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.since(seq)) counts[e.method] = (counts[e.method] ?? 0) + 1;
    return counts;
  }

  get lastSeq(): number {
    return this.#seq;
  }

  clear(): void {
    this.#entries = [];
  }
}
