/**
 * DomidCounter hands out domain ids that only grow, as Xen does while a host is up: the first
 * call starts past the largest domid in the store (seed or restored state), later calls are O(1)
 * instead of a walk over every VM.
 */
import type { ObjectStore } from '../store/object-store.js';

export class DomidCounter {
  readonly #store: ObjectStore;
  #last: number | undefined;

  constructor(store: ObjectStore) {
    this.#store = store;
  }

  next(): number {
    this.#last ??= this.#store.entries('VM').reduce((max, [, vm]) => Math.max(max, Number(vm.domid)), 0);
    this.#last += 1;
    return this.#last;
  }
}
