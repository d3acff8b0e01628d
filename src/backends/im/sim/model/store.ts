/**
 * ImStore holds the simulator state and answers IM's lookups with IM's messages, in IM's check
 * order: infrastructure not found (or destroyed), then not owned, then VM id checks. Ownership
 * compares password digests (credentials.ts). Every mutation goes through `touch`, which marks
 * the state dirty so that the call is persisted before its reply.
 */
import type { CallerAuth } from '../auth.js';
import { pyInt } from '../python.js';
import { CredentialDigests, newCredentialSalt, type Identity } from './credentials.js';
import { Uuid1Generator } from './uuid1.js';
import { isLaunched, isListed, isRemoved } from './vm-visibility.js';
import { emptyState, type InfraRecord, type Owner, type SimState, type VmRecord } from './types.js';

export interface Clock {
  now(): number;
}

export class ImStore {
  state: SimState;
  readonly clock: Clock;
  #dirty = false;
  #untargetedTouches = 0;
  readonly #uuids = new Uuid1Generator();
  #digests: CredentialDigests;
  /** Each call's caller digests its password once, however many owners it is compared with. */
  readonly #callerDigests = new WeakMap<CallerAuth, Array<string | null>>();
  /** The id index of `record`: which array it indexes and how much of it. */
  readonly #index = new Map<string, InfraRecord>();
  #indexed: InfraRecord[] | null = null;
  #indexedCount = 0;

  constructor(clock: Clock, state: SimState = emptyState()) {
    this.clock = clock;
    this.state = state;
    this.#digests = this.#digestsFor(state);
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
    else this.#untargetedTouches += 1;
    this.#dirty = true;
  }

  /**
   * untargetedTouches counts the changes recorded without naming an infrastructure (forced VM
   * states): with a record's savedSeq, it tells whether anything may have changed the record.
   */
  get untargetedTouches(): number {
    return this.#untargetedTouches;
  }

  /** takeDirty reports whether anything changed since the last call, and clears the flag. */
  takeDirty(): boolean {
    const dirty = this.#dirty;
    this.#dirty = false;
    return dirty;
  }

  reset(): void {
    this.state = emptyState();
    this.#digests = this.#digestsFor(this.state);
    this.#dirty = true;
  }

  /** ownersOf turns a caller's identities into stored owners (digests only). */
  ownersOf(caller: CallerAuth): Owner[] {
    return caller.identities.map((identity) => this.#digests.ownerOf(identity));
  }

  /** isOwner: some identity of the caller is an owner of `inf`. */
  isOwner(inf: InfraRecord, caller: CallerAuth): boolean {
    let digests = this.#callerDigests.get(caller);
    if (!digests) {
      digests = caller.identities.map((id) => (id.password === null ? null : this.#digests.digest(id.password)));
      this.#callerDigests.set(caller, digests);
    }
    const mine = digests;
    return caller.identities.some((identity, i) => inf.owners.some((owner) => this.#digests.matches(owner, identity, mine[i] ?? null)));
  }

  /** presentedBy: the caller's identity that matches `owner`, if any (its credentials as sent). */
  presentedBy(owner: Owner, caller: CallerAuth): Identity | undefined {
    return caller.identities.find((identity) =>
      this.#digests.matches(owner, identity, identity.password === null ? null : this.#digests.digest(identity.password)),
    );
  }

  #digestsFor(state: SimState): CredentialDigests {
    state.credentialSalt ??= newCredentialSalt();
    return new CredentialDigests(state.credentialSalt);
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

  /**
   * record finds an infrastructure by id through an index of `state.infrastructures`. The list is
   * only ever appended to or replaced by a new array (create, import, reset, load), so the index
   * is rebuilt when the array or a shorter length is seen, and extended when it grew. Same
   * answer as a scan for the first record with that id, without a scan per call.
   */
  record(id: string): InfraRecord | undefined {
    const list = this.state.infrastructures;
    if (list !== this.#indexed || list.length < this.#indexedCount) {
      this.#index.clear();
      this.#indexed = list;
      this.#indexedCount = 0;
    }
    for (; this.#indexedCount < list.length; this.#indexedCount += 1) {
      const inf = list[this.#indexedCount]!;
      if (!this.#index.has(inf.id)) this.#index.set(inf.id, inf);
    }
    return this.#index.get(id);
  }

  /** getInfrastructure is InfrastructureManager.get_infrastructure. */
  getInfrastructure(id: unknown, caller: CallerAuth): InfraRecord {
    const inf = typeof id === 'string' ? this.record(id) : undefined;
    if (!inf || this.isGone(inf)) throw new Error('Invalid infrastructure ID or access not granted.');
    if (!this.isOwner(inf, caller)) throw new Error('Access to this infrastructure not granted.');
    return inf;
  }

  /** liveVms: the VMs listed now (launched or being launched, not removed), in list order. */
  liveVms(inf: InfraRecord): VmRecord[] {
    const now = this.now();
    return inf.vms.filter((vm) => isListed(vm, now));
  }

  /**
   * getVm is InfrastructureInfo.get_vm: ids are never reused; a VM not launched yet is
   * `Invalid VM ID` even when listed. With duplicated ids (a corrupted list) the VM at
   * that position wins, else the first one listed.
   */
  getVm(inf: InfraRecord, rawId: unknown): VmRecord {
    const id = pyInt(rawId);
    const atPosition = id === undefined || id < 0 ? undefined : inf.vms[id];
    const vm = atPosition?.imId === id ? atPosition : inf.vms.find((v) => v.imId === id);
    const now = this.now();
    if (!vm || !isLaunched(vm, now)) throw new Error('Invalid VM ID');
    if (isRemoved(vm, now)) throw new Error('Deleted VM.');
    return vm;
  }
}
