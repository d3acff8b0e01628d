/**
 * AccessController is one simulated testbed's access controller: its persisted state (policy,
 * authorized fedids, allocations) and what lives only while the process runs (starts in flight,
 * test injections). The operations themselves are in ../api/; this class answers the questions
 * they share (who owns what, how many nodes are held) and carries the fault knobs.
 */
import type { SimClock } from '../../../../xmlrpc/sim/clock.js';
import type { FeddPki } from '../pki/pki-store.js';
import { accessDenied, badRequest, type FeddErrorName } from '../wire/fault-codes.js';
import { fedidText } from '../pki/fedid.js';
import type { AllocationRecord, NodeStatus, TestbedState } from './types.js';

/** StartFailurePlan makes the next StartSegment fail some of its nodes (partial failure). */
export interface StartFailurePlan {
  /** nodes to fail, by Computer name; without it, the first `count` Computers fail. */
  nodes?: string[];
  count?: number;
  /** code answers the call when a fatal node failed (default `Partial Embedding`). */
  code?: FeddErrorName;
}

/** MessageEntry is one message exchange: a call taken in, or a call to a store sent out (`peer` = its URL). */
export interface MessageEntry {
  direction: 'in' | 'out';
  op: string;
  peer?: string;
  request: unknown;
  response?: unknown;
  fault?: { code: unknown; text: string };
}

/** MessageRecorder receives every message the access controller takes in or sends out. */
export type MessageRecorder = (entry: MessageEntry) => void;

/** AccessControllerDeps are what an access controller shares with the rest of the simulator. */
export interface AccessControllerDeps {
  clock: SimClock;
  pki: FeddPki;
  /** serverFedid is the access controller's own fedid (hex), the prover of its proofs. */
  serverFedid: string;
  persist(): void;
  record: MessageRecorder;
}

export class AccessController {
  readonly state: TestbedState;
  readonly deps: AccessControllerDeps;
  /** running holds an abort handle per allocation whose StartSegment is in flight. */
  readonly running = new Map<string, AbortController>();
  /** waiting names, per allocation, the input keys its start is blocked on (for dumps). */
  readonly waiting = new Map<string, string[]>();
  stuckStarts = 0;
  failurePlans: StartFailurePlan[] = [];

  constructor(state: TestbedState, deps: AccessControllerDeps) {
    this.state = state;
    this.deps = deps;
  }

  get name(): string {
    return this.state.name;
  }

  /** isAuthorized tells whether a caller may RequestAccess. */
  isAuthorized(caller: string | undefined): boolean {
    return caller !== undefined && this.state.authorized.includes(caller);
  }

  /** allocation returns the allocation the caller owns; `Badly Formed Request` if there is none, `Access Denied` if not theirs. */
  allocation(id: string, caller: string | undefined): AllocationRecord {
    const found = this.state.allocations.find((a) => a.id === id);
    if (!found) throw badRequest(`No such allocation: ${fedidText(id)}`);
    if (caller !== found.owner) throw accessDenied(`Access denied: ${caller ? fedidText(caller) : 'an anonymous caller'} does not hold allocation ${fedidText(id)}`);
    return found;
  }

  /** nodesHeld counts the Computers of segments that are starting or active (failed ones were released). */
  nodesHeld(): number {
    return this.state.allocations
      .filter((a) => a.status === 'starting' || a.status === 'active')
      .reduce((sum, a) => sum + (a.segment?.nodes.filter((n) => !n.removed).length ?? 0), 0);
  }

  /** nextPhysicalName hands out the testbed's machine names (pc101, pc102 …). */
  nextPhysicalName(): string {
    this.state.nextNode += 1;
    return `pc${this.state.nextNode}`;
  }

  /** nextVlan hands out VLAN ids for transit connections. */
  nextVlan(): number {
    this.state.nextVlan += 1;
    return this.state.nextVlan;
  }

  /** stopStart aborts an allocation's start in flight, if any. */
  stopStart(id: string, reason: string): void {
    this.running.get(id)?.abort(new Error(reason));
    this.running.delete(id);
    this.waiting.delete(id);
  }

  /** removeAllocation drops an allocation and its key pair. */
  removeAllocation(id: string): void {
    this.stopStart(id, 'allocation released');
    this.state.allocations = this.state.allocations.filter((a) => a.id !== id);
    this.deps.pki.dropAllocationIdentity(id);
  }

  /** forgetAllocations drops every allocation, as an access controller restarted without its state. */
  forgetAllocations(): number {
    const ids = this.state.allocations.map((a) => a.id);
    for (const id of ids) this.removeAllocation(id);
    this.deps.persist();
    return ids.length;
  }

  /** setNodeStatus is drift after start: a node fails, goes inactive, or vanishes (`missing`). */
  setNodeStatus(id: string, node: string, status: NodeStatus | 'missing'): void {
    const allocation = this.state.allocations.find((a) => a.id === id);
    const record = allocation?.segment?.nodes.find((n) => n.name === node);
    if (!record) throw new Error(`no node ${node} in allocation ${fedidText(id)} on testbed ${this.name}`);
    if (status === 'missing') record.removed = true;
    else record.status = status;
    this.deps.persist();
  }

  /** takeFailurePlan returns the next injected start failure, if any. */
  takeFailurePlan(): StartFailurePlan | undefined {
    return this.failurePlans.shift();
  }

  /** takeStuck consumes one injected "stay starting forever". */
  takeStuck(): boolean {
    if (this.stuckStarts <= 0) return false;
    this.stuckStarts -= 1;
    return true;
  }

  /** failInterruptedStarts fails allocations left `starting` by a process that is gone. */
  failInterruptedStarts(reason: string): void {
    for (const allocation of this.state.allocations) {
      if (allocation.status !== 'starting') continue;
      allocation.status = 'failed';
      for (const node of allocation.segment?.nodes ?? []) node.status = 'failed';
      allocation.log.push(`swap-in failed: ${reason}`);
    }
  }

  /** stopAll aborts every start in flight (the process is going away). */
  stopAll(reason: string): void {
    for (const id of [...this.running.keys()]) this.stopStart(id, reason);
  }
}
