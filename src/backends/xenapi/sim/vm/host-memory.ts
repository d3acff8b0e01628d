/**
 * HostMemory is the ledger of what resident domains hold on each host (static_max plus overhead,
 * as xapi counts for HOST_NOT_ENOUGH_FREE_MEMORY), kept up to date incrementally: `sync` is called
 * for every VM row created, changed or deleted (derived.ts, after every call and task step), so
 * free memory costs O(1) per question instead of a walk over every resident VM. The first
 * question after construction (seed or restored state) builds the ledger from the whole table.
 */
import type { ObjectStore } from '../store/object-store.js';
import { NULL_REF } from '../wire/errors.js';

interface Holding {
  host: string;
  bytes: number;
}

export class HostMemory {
  readonly #store: ObjectStore;
  readonly #byVm = new Map<string, Holding>();
  readonly #byHost = new Map<string, number>();
  #ready = false;

  constructor(store: ObjectStore) {
    this.#store = store;
  }

  /** used is what the domains resident on `host` hold, in bytes. */
  used(host: string): number {
    if (!this.#ready) this.#rebuild();
    return this.#byHost.get(host) ?? 0;
  }

  /** hostOf is the host a VM holds memory on, per the ledger. */
  hostOf(vmRef: string): string | undefined {
    if (!this.#ready) this.#rebuild();
    return this.#byVm.get(vmRef)?.host;
  }

  /** sync re-reads one VM's holding (none when it is gone or not resident). */
  sync(vmRef: string): void {
    if (!this.#ready) return this.#rebuild();
    const old = this.#byVm.get(vmRef);
    if (old) {
      this.#byHost.set(old.host, (this.#byHost.get(old.host) ?? 0) - old.bytes);
      this.#byVm.delete(vmRef);
    }
    const vm = this.#store.get('VM', vmRef);
    const host = vm ? String(vm.resident_on) : NULL_REF;
    if (!vm || host === NULL_REF) return;
    const bytes = Number(vm.memory_static_max) + Number(vm.memory_overhead);
    this.#byVm.set(vmRef, { host, bytes });
    this.#byHost.set(host, (this.#byHost.get(host) ?? 0) + bytes);
  }

  #rebuild(): void {
    this.#byVm.clear();
    this.#byHost.clear();
    this.#ready = true;
    for (const ref of this.#store.refs('VM')) this.sync(ref);
  }
}
