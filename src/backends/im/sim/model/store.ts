/**
 * ImStore holds the simulator state and answers IM's lookups with IM's messages, in IM's check
 * order: infrastructure not found (or destroyed), then not owned, then VM id checks. Every
 * mutation goes through `touch`, which marks the state dirty so that the call is persisted
 * before its reply.
 */
import type { CallerAuth } from '../auth.js';
import { isOwner } from '../auth.js';
import { pyInt } from '../python.js';
import { Uuid1Generator } from './uuid1.js';
import { emptyState, type InfraRecord, type SimState, type VmRecord } from './types.js';

export interface Clock {
  now(): number;
}

export class ImStore {
  state: SimState;
  readonly clock: Clock;
  #dirty = false;
  readonly #uuids = new Uuid1Generator();

  constructor(clock: Clock, state: SimState = emptyState()) {
    this.clock = clock;
    this.state = state;
  }

  now(): number {
    return this.clock.now();
  }

  newInfrastructureId(): string {
    return this.#uuids.next(this.now());
  }

  /** touch records a save of `inf` (GetInfrastructureList order) and marks the state dirty. */
  touch(inf?: InfraRecord): void {
    if (inf) inf.savedSeq = ++this.state.saveCounter;
    this.#dirty = true;
  }

  /** takeDirty reports whether anything changed since the last call, and clears the flag. */
  takeDirty(): boolean {
    const dirty = this.#dirty;
    this.#dirty = false;
    return dirty;
  }

  reset(): void {
    this.state = emptyState();
    this.#dirty = true;
  }

  isGone(inf: InfraRecord): boolean {
    return inf.destroyedAt !== null && inf.destroyedAt <= this.now();
  }

  isDeleting(inf: InfraRecord): boolean {
    return inf.deletingFrom !== null && !this.isGone(inf);
  }

  /** live lists the infrastructures that exist now. */
  live(): InfraRecord[] {
    return this.state.infrastructures.filter((i) => !this.isGone(i));
  }

  record(id: string): InfraRecord | undefined {
    return this.state.infrastructures.find((i) => i.id === id);
  }

  /** getInfrastructure is InfrastructureManager.get_infrastructure. */
  getInfrastructure(id: unknown, caller: CallerAuth): InfraRecord {
    const inf = typeof id === 'string' ? this.record(id) : undefined;
    if (!inf || this.isGone(inf)) throw new Error('Invalid infrastructure ID or access not granted.');
    if (!isOwner(inf.owners, caller)) throw new Error('Access to this infrastructure not granted.');
    return inf;
  }

  /** liveVms: launched and not removed, in id order. */
  liveVms(inf: InfraRecord): VmRecord[] {
    const now = this.now();
    return inf.vms.filter((vm) => !vm.destroyed && vm.launchedAt <= now);
  }

  /** getVm is InfrastructureInfo.get_vm: ids are positions and are never reused. */
  getVm(inf: InfraRecord, rawId: unknown): VmRecord {
    const id = pyInt(rawId);
    const vm = id === undefined || id < 0 ? undefined : inf.vms[id];
    if (!vm || vm.launchedAt > this.now()) throw new Error('Invalid VM ID');
    if (vm.destroyed) throw new Error('Deleted VM.');
    return vm;
  }
}
