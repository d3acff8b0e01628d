/**
 * SharedState lets passes that run side by side (`--workers` > 1) share one state file. The
 * controller holds the state lock for its whole life, so it is the only writer; each pass gets a
 * view whose writes merge into the latest snapshot the records of its own resources only
 * (the queue never hands one resource to two passes at once), whatever serial it last saw.
 * Records of other resources, `lastApplied` and the owner are never changed through a view:
 * the controller records `lastApplied` itself when the whole manifest set is converged.
 */
import { inScope } from '../engine/scope.js';
import type { StateSnapshot, StateStore } from '../state/types.js';
import { renameState, type Rename } from '../workspace/renames.js';

/**
 * PassState is what passes read and write state through: SharedState (one writer), or a
 * sharded replica's ReplicaState (replica/replica-state.ts).
 */
export interface PassState {
  /** snapshot is a copy of the latest state this controller knows. */
  readonly snapshot: StateSnapshot;
  /** view is the StateStore one pass over `scope` (resource keys; absent: all) reads and writes. */
  view(scope: ReadonlySet<string> | undefined): StateStore;
  /** setLastApplied records that the whole manifest set converged (at its git revision). */
  setLastApplied(lastApplied: NonNullable<StateSnapshot['lastApplied']>): Promise<StateSnapshot>;
  /**
   * rekey moves records of renamed resources to their new keys (renames.ts) and says whether
   * any moved. Absent where keys cannot move (a sharded replica: a key's shard follows its name).
   */
  rekey?(rename: Rename): Promise<boolean>;
}

export class SharedState implements PassState {
  #current: StateSnapshot;
  #writing: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: StateStore,
    initial: StateSnapshot,
  ) {
    this.#current = initial;
  }

  /** open reads the state and persists a new one at once, so its owner marker is durable. */
  static async open(store: StateStore): Promise<SharedState> {
    let snapshot = await store.read();
    if (snapshot.serial === 0) snapshot = await store.write(snapshot, 0);
    return new SharedState(store, snapshot);
  }

  get snapshot(): StateSnapshot {
    return structuredClone(this.#current);
  }

  /** view is the StateStore one pass over `scope` (resource keys; absent: all) reads and writes. */
  view(scope: ReadonlySet<string> | undefined): StateStore {
    const store = this.store;
    return {
      journal: store.journal,
      description: store.description,
      read: async () => this.snapshot,
      write: (snapshot) => this.#update((current) => mergeScope(current, snapshot, scope)),
      acquire: (options) => store.acquire(options),
      inspect: () => store.inspect(),
    };
  }

  /** setLastApplied records that the whole manifest set converged (at its git revision). */
  setLastApplied(lastApplied: NonNullable<StateSnapshot['lastApplied']>): Promise<StateSnapshot> {
    return this.#update((current) => ({ ...current, lastApplied }));
  }

  async rekey(rename: Rename): Promise<boolean> {
    if (!Object.keys(this.#current.objects).some((key) => rename(key) !== key)) return false;
    await this.#update((current) => renameState(current, rename));
    return true;
  }

  /** #update writes one change at a time, on top of the latest snapshot. */
  #update(change: (current: StateSnapshot) => StateSnapshot): Promise<StateSnapshot> {
    const next = this.#writing.then(async () => {
      const written = await this.store.write(change(structuredClone(this.#current)), this.#current.serial);
      this.#current = structuredClone(written);
      return structuredClone(written);
    });
    this.#writing = next.catch(() => undefined);
    return next;
  }
}

/** mergeScope takes from `pass` the records of objects in `scope` (set or removed), the rest from `current`. */
function mergeScope(current: StateSnapshot, pass: StateSnapshot, scope: ReadonlySet<string> | undefined): StateSnapshot {
  const objects = { ...current.objects };
  for (const key of new Set([...Object.keys(current.objects), ...Object.keys(pass.objects)])) {
    if (!inScope(scope, key)) continue;
    const record = pass.objects[key];
    if (record) objects[key] = structuredClone(record);
    else delete objects[key];
  }
  return { ...current, objects };
}
