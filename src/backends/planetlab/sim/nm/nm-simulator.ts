/**
 * NodeManagerSimulator is one node's Node Manager (planetlab.md §B): its database of records, its
 * accounts and slivers, its polls of PLC, and the NMAPI dispatcher. It learns PLC's state only at
 * its polls (or from a ticket), so right after a change at PLC a node still answers from the old
 * state: 102 "must be a sliver name" before the slice reaches it, 108 before its delegation does.
 *
 * The caller of a call is the ssh login name the forwarder passes in the `X-Converge-Nm-Caller`
 * header (the real NM reads the Unix socket's peer credentials); a call without it is a local TCP
 * caller, `nobody`, which may use only the open methods.
 */
import { XmlRpcFault } from '../../../../xmlrpc/fault.js';
import type { MethodHandler } from '../../../../xmlrpc/server.js';
import type { SimKnobs } from '../../../../xmlrpc/sim/knobs.js';
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../../../xmlrpc/value.js';
import type { SliversData } from '../plc/model/slivers.js';
import { verifyTicket } from '../ticket/ticket-codec.js';
import { NmAccounts, type AccountRow, type AccountsState } from './accounts.js';
import { NM_CALLER_HEADER, callerOf } from './caller.js';
import type { NmContext } from './api-calls.js';
import { NmDatabase, type DatabaseState } from './database.js';
import { dispatchNm, type DispatchPolicy } from './dispatcher.js';
import { NmFault } from './faults.js';
import { PollSchedule, type PollState } from './poll-schedule.js';
import { toRecord } from './records.js';

const MUTATING = new Set(['Ticket', 'AdminTicket', 'Create', 'Destroy', 'Start', 'Stop', 'ReCreate', 'SetLoans']);

/** NmState is one node's persisted state. */
export interface NmState extends DatabaseState, AccountsState, PollState {
  hostname: string;
  node_id: number;
}

/** NodeManagerOptions wire one node into its PlanetLab (PLC reads, ticket key, shared hooks). */
export interface NodeManagerOptions {
  state: NmState;
  knobs: SimKnobs;
  /** plcSlivers is PLC's GetSlivers for a node at a time (epoch seconds). */
  plcSlivers(nodeId: number, atSeconds: number): SliversData;
  ticketKey: Buffer;
  policy: DispatchPolicy;
  setLoansMode: 'as-coded' | 'fixed';
  pollIntervalMs: number;
  pollJitterMs: number;
  random: () => number;
  /** beforeCall settles due polls (of every node); afterCall saves. */
  beforeCall(): void;
  afterCall(): void;
  markChanged(): void;
}

/** NmDump is the test-only view of a node (`converge.sim.nm.dump`). */
export interface NmDump {
  hostname: string;
  node_id: number;
  lastPollAt: number | null;
  nextPollAt: number;
  records: XmlRpcStruct[];
  accounts: AccountRow[];
}

/** NodeManagerSimulator serves one node; all state lives in the NmState it was given. */
export class NodeManagerSimulator {
  readonly hostname: string;
  readonly nodeId: number;
  readonly knobs: SimKnobs;
  readonly #options: NodeManagerOptions;
  readonly #db: NmDatabase;
  readonly #accounts: NmAccounts;
  readonly #schedule: PollSchedule;
  readonly #context: NmContext;

  constructor(options: NodeManagerOptions) {
    this.#options = options;
    this.hostname = options.state.hostname;
    this.nodeId = options.state.node_id;
    this.knobs = options.knobs;
    this.#db = new NmDatabase(options.state);
    this.#accounts = new NmAccounts(options.state);
    this.#schedule = new PollSchedule(options.state, options.pollIntervalMs, options.pollJitterMs, options.random);
    this.#context = {
      db: this.#db,
      accounts: this.#accounts,
      now: () => Math.floor(this.knobs.clock.now() / 1000),
      verifyTicket: (ticket) => verifyTicket(ticket, options.ticketKey),
      deliver: (data, fullUpdate) => this.#deliver(data, fullUpdate),
      setLoansMode: options.setLoansMode,
    };
  }

  /** dispatch serves every NMAPI name (unknown ones get the NM's own 100) and the control methods. */
  dispatch(method: string): MethodHandler | undefined {
    if (method.startsWith('converge.sim.')) return this.#control(method);
    return (params, call) => this.call(method, params, callerOf(call.headers[NM_CALLER_HEADER]));
  }

  /** call answers one NMAPI call from `caller`; faults are thrown as XmlRpcFault. */
  call(method: string, params: XmlRpcValue[], caller: string): XmlRpcValue {
    this.#options.beforeCall();
    try {
      const result = dispatchNm(this.#context, method, params, caller, this.#options.policy);
      return result;
    } catch (error) {
      if (error instanceof NmFault) throw new XmlRpcFault(error.code, error.text);
      throw error;
    } finally {
      if (MUTATING.has(method)) this.#options.markChanged();
      this.#options.afterCall();
    }
  }

  /** catchUp runs the last poll that fell due by now, if any. */
  catchUp(): void {
    const due = this.#schedule.takeDue(this.knobs.clock.now());
    if (due !== undefined) this.#poll(due);
  }

  /** pollNow polls PLC at the current virtual time, whatever the schedule. */
  pollNow(): void {
    const now = this.knobs.clock.now();
    this.#schedule.forceNow(now);
    this.#poll(now);
  }

  account(name: string): AccountRow | undefined {
    return this.#accounts.get(name);
  }

  dump(): NmDump {
    const state = this.#options.state;
    return { hostname: this.hostname, node_id: this.nodeId, lastPollAt: state.lastPollAt, nextPollAt: state.nextPollAt, records: this.#db.values().map((r) => ({ ...r })), accounts: this.#accounts.all() };
  }

  #poll(atMs: number): void {
    const data = this.#options.plcSlivers(this.nodeId, Math.floor(atMs / 1000));
    this.#deliver(data as unknown as XmlRpcStruct, true, Math.floor(atMs / 1000));
    this.#options.markChanged();
  }

  /** #deliver is slivermanager.GetSlivers: records in, then (full update) stale ones out, then sync. */
  #deliver(data: XmlRpcValue, fullUpdate: boolean, nowSeconds = this.#context.now()): void {
    if (!isStruct(data) || !Array.isArray(data.initscripts)) return;
    const scripts = new Map(data.initscripts.filter(isStruct).map((s) => [String(s.name), String(s.script)]));
    const timestamp = Number(data.timestamp);
    for (const sliver of Array.isArray(data.slivers) ? data.slivers : []) if (isStruct(sliver)) this.#db.deliverRecord(toRecord(sliver, timestamp, scripts));
    if (fullUpdate) this.#db.setMinTimestamp(timestamp);
    this.#db.sync(nowSeconds, this.#accounts);
  }

  #control(method: string): MethodHandler | undefined {
    const handlers: Record<string, MethodHandler> = {
      'converge.sim.nm.dump': () => {
        this.#options.beforeCall();
        return this.dump() as unknown as XmlRpcValue;
      },
      'converge.sim.nm.pollNow': () => {
        this.#options.beforeCall();
        this.pollNow();
        this.#options.afterCall();
        return true;
      },
    };
    return handlers[method];
  }
}
