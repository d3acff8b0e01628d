/**
 * StatusBoard remembers, per resource, what the passes concluded: the Ready and Synced
 * conditions, the last error, when it last converged and was last reconciled. It is the source
 * of /status and of the lastApplied decision ("every desired resource is Ready").
 */
import { condition, readyOf, syncedOf, type Condition, type ResourceOutcome } from './conditions.js';

export interface ResourceRecord {
  key: string;
  ready: Condition;
  synced: Condition;
  lastError?: { code: string; message: string; at: string };
  lastConvergedAt?: string;
  lastReconcileAt?: string;
  reconciles: number;
}

export class StatusBoard {
  readonly #records = new Map<string, ResourceRecord>();

  record(outcome: ResourceOutcome, at: string): ResourceRecord {
    const previous = this.#records.get(outcome.key);
    const [readyStatus, readyReason] = readyOf(outcome);
    const [syncedStatus, syncedReason] = syncedOf(outcome);
    const failed = outcome.result === 'failed' || outcome.result === 'blocked';
    const message = outcome.message ? `${outcome.message}${outcome.code ? ` [${outcome.code}]` : ''}` : undefined;
    const next: ResourceRecord = {
      key: outcome.key,
      ready: condition(previous?.ready, readyStatus, readyReason, at, readyStatus === 'True' ? undefined : message),
      synced: condition(previous?.synced, syncedStatus, syncedReason, at, failed ? message : undefined),
      reconciles: (previous?.reconciles ?? 0) + 1,
      lastReconcileAt: at,
      ...(outcome.result === 'converged' ? { lastConvergedAt: at } : previous?.lastConvergedAt ? { lastConvergedAt: previous.lastConvergedAt } : {}),
      ...(failed ? { lastError: { code: outcome.code ?? 'ERROR', message: outcome.message ?? '', at } } : previous?.lastError ? { lastError: previous.lastError } : {}),
    };
    this.#records.set(outcome.key, next);
    return next;
  }

  get(key: string): ResourceRecord | undefined {
    return this.#records.get(key);
  }

  keys(): string[] {
    return [...this.#records.keys()];
  }

  /** drop forgets a resource that is neither desired nor live any more. */
  drop(key: string): void {
    this.#records.delete(key);
  }

  /** allReady is true when every key given has converged in its latest pass. */
  allReady(keys: Iterable<string>): boolean {
    for (const key of keys) if (this.#records.get(key)?.ready.status !== 'True') return false;
    return true;
  }
}
