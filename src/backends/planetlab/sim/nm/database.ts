/**
 * The Node Manager database (database.py, planetlab.md §B5–§B6): records keyed by account name.
 *
 * - deliverRecord ignores a record older than the last full update (a stale ticket), adds a new
 *   one, and replaces an existing one only when the delivery is newer (keys starting with `_`
 *   survive);
 * - setMinTimestamp (each poll) drops every record the poll did not refresh;
 * - sync drops expired records, recomputes loans, destroys accounts without a record, creates
 *   (and restarts) plc-instantiated slivers and controller accounts, refreshes delegated slivers
 *   only while they run, and leaves not-instantiated ones alone. A record whose account cannot be
 *   handled is skipped, as the NM logs and goes on.
 */
import type { XmlRpcStruct, XmlRpcValue } from '../../../../xmlrpc/value.js';
import type { NmAccounts } from './accounts.js';
import { MINIMUM_ALLOCATION, type NmRecord } from './records.js';

/** DatabaseState is the persisted part of NmDatabase. */
export interface DatabaseState {
  records: Record<string, NmRecord>;
  minTimestamp: number;
}

/** NmDatabase is the NM's record store; every mutation edits the persisted state in place. */
export class NmDatabase {
  readonly #state: DatabaseState;

  constructor(state: DatabaseState) {
    this.#state = state;
  }

  get(name: string): NmRecord | undefined {
    return Object.hasOwn(this.#state.records, name) ? this.#state.records[name] : undefined;
  }

  values(): NmRecord[] {
    return Object.values(this.#state.records);
  }

  deliverRecord(rec: NmRecord): void {
    if (rec.timestamp < this.#state.minTimestamp) return;
    const old = this.get(rec.name);
    if (!old) {
      this.#state.records[rec.name] = rec;
      return;
    }
    if (rec.timestamp <= old.timestamp) return;
    const kept = Object.fromEntries(Object.entries(old).filter(([key]) => key.startsWith('_')));
    this.#state.records[rec.name] = { ...rec, ...kept };
  }

  setMinTimestamp(timestamp: number): void {
    this.#state.minTimestamp = timestamp;
    for (const rec of this.values()) if (rec.timestamp < timestamp) delete this.#state.records[rec.name];
  }

  /** sync turns the records into accounts at `now` (epoch seconds). */
  sync(now: number, accounts: NmAccounts): void {
    for (const rec of this.values()) if (typeof rec.expires === 'number' && rec.expires < now) delete this.#state.records[rec.name];
    this.#computeEffectiveRspecs();
    for (const account of accounts.all()) if (!this.get(account.name)) accounts.ensureDestroyed(account.name);
    for (const rec of this.values()) {
      try {
        if (rec.instantiation === 'plc-instantiated' || rec.instantiation === 'nm-controller') accounts.ensureCreated(rec);
        else if (rec.instantiation === 'delegated' && accounts.isRunning(rec.name)) accounts.ensureCreated(rec);
      } catch {
        // the NM logs "sync failed to handle sliver" and goes on with the others
      }
    }
  }

  /** Loans move resources between slivers of this node, never below the minimum allocation. */
  #computeEffectiveRspecs(): void {
    const slivers = this.values().filter((rec) => typeof rec.rspec === 'object' && rec.rspec !== null);
    for (const rec of slivers) rec._rspec = { ...(rec.rspec as XmlRpcStruct) };
    for (const rec of slivers) {
      const effective = rec._rspec as Record<string, XmlRpcValue>;
      const residual = { ...(rec.rspec as Record<string, XmlRpcValue>) };
      for (const loan of (rec._loans as XmlRpcValue[] | undefined) ?? []) {
        const [target, resource, amount] = loan as [string, string, number];
        const recipient = this.get(target);
        const minimum = MINIMUM_ALLOCATION[resource] ?? 0;
        if (!recipient?._rspec || amount > Number(residual[resource]) - minimum) continue;
        effective[resource] = Number(effective[resource]) - amount;
        residual[resource] = Number(residual[resource]) - amount;
        const gains = recipient._rspec as Record<string, XmlRpcValue>;
        gains[resource] = Number(gains[resource]) + amount;
      }
    }
  }
}
