/**
 * The node's accounts and the runtime state of its slivers (account.py Worker, sliver_lxc,
 * controller.py). A sliver account is absent, or present and running or stopped; a controller
 * account (nm-controller slices, shell = the forwarder) only exists.
 *
 * - ensureCreated creates the account if missing (or of another class) and starts it when it is
 *   not running, so Create, Ticket and ReCreate leave a sliver running; a running one is only
 *   reconfigured (keys).
 * - start and stop on a sliver with no account fail as the Worker does, with Python's
 *   `'NoneType' object has no attribute …`.
 * - uids (GetXIDs) are handed out from 1001 upwards and never reused on a node.
 */
import { PyError } from './faults.js';
import type { NmRecord } from './records.js';

/** AccountKind: a sliver (runs, GetXIDs lists it) or a controller (its shell is the forwarder). */
export type AccountKind = 'sliver' | 'controller';

/** AccountRow is one Unix account on the node, as persisted. */
export interface AccountRow {
  name: string;
  kind: AccountKind;
  xid: number;
  running: boolean;
  /** keys are the authorized_keys lines, newline-separated, as the record carried them. */
  keys: string;
}

/** AccountsState is the persisted part of NmAccounts. */
export interface AccountsState {
  accounts: AccountRow[];
  nextXid: number;
}

/** NmAccounts is the node's accounts; every mutation edits the persisted state in place. */
export class NmAccounts {
  readonly #state: AccountsState;

  constructor(state: AccountsState) {
    this.#state = state;
  }

  get(name: string): AccountRow | undefined {
    return this.#state.accounts.find((a) => a.name === name);
  }

  all(): AccountRow[] {
    return [...this.#state.accounts];
  }

  ensureCreated(rec: NmRecord): void {
    const kind = accountKind(rec.type);
    let account = this.get(rec.name);
    const classChanged = account !== undefined && account.kind !== kind;
    if (!account || classChanged) {
      if (account) this.ensureDestroyed(rec.name);
      account = { name: rec.name, kind, xid: this.#state.nextXid++, running: false, keys: '' };
      this.#state.accounts.push(account);
    }
    if (!account.running || classChanged) this.start(rec);
    else account.keys = String(rec.keys ?? '');
  }

  ensureDestroyed(name: string): void {
    this.#state.accounts = this.#state.accounts.filter((a) => a.name !== name);
  }

  /** start configures the keys and starts a sliver; a controller has nothing to run. */
  start(rec: NmRecord): void {
    const account = this.get(rec.name);
    if (!account) throw new PyError("'NoneType' object has no attribute 'configure'");
    account.keys = String(rec.keys ?? '');
    account.running = account.kind === 'sliver';
  }

  stop(name: string): void {
    const account = this.get(name);
    if (!account) throw new PyError("'NoneType' object has no attribute 'stop'");
    account.running = false;
  }

  isRunning(name: string): boolean {
    return this.get(name)?.running === true;
  }
}

/** accountKind maps a record type to its account class; an unknown type is Python's KeyError. */
function accountKind(type: string): AccountKind {
  if (type === 'controller.Controller') return 'controller';
  if (type === 'sliver.LXC') return 'sliver';
  throw new PyError(`'${type}'`);
}
