/**
 * ReplicaState is a sharded replica's PassState: the workspace header (lineage, owner,
 * lastApplied) and the object records of the shards it holds, nothing of the others'. A pass's
 * write sends only the records of its own resources that changed, each fenced by its shard's
 * token (ShardedStateStore.writeObjects); the serial is the workspace's, bumped by the store.
 * When shards are gained their records are read first (their last holder may have written
 * them); when they are lost or released their records are forgotten here.
 */
import { ConvergeError } from '../../errors/converge-error.js';
import { inScope } from '../../engine/scope.js';
import { SHARD_COUNT, shardOfKey, type ObjectChange, type ShardedStateStore, type ShardFence, type WorkspaceHeader } from '../../state/index.js';
import { stringifySorted } from '../../state/sorted-json.js';
import type { Journal, ObjectRecord, StateSnapshot, StateStore } from '../../state/types.js';
import type { PassState } from '../shared-state.js';

export class ReplicaState implements PassState {
  #header: WorkspaceHeader;
  #objects: Record<string, ObjectRecord>;

  private constructor(
    private readonly store: ShardedStateStore,
    private readonly fence: ShardFence,
    readonly journal: Journal,
    header: WorkspaceHeader,
    objects: Record<string, ObjectRecord>,
  ) {
    this.#header = header;
    this.#objects = objects;
  }

  /** open reads (or creates, with `owner`) the workspace header and the records of the shards held. */
  static async open(store: ShardedStateStore, fence: ShardFence, owner: string | undefined): Promise<ReplicaState> {
    const header = await store.header(owner);
    return new ReplicaState(store, fence, store.journal(fence), header, await store.readObjects(fence.held()));
  }

  get snapshot(): StateSnapshot {
    return structuredClone({ ...this.#header, objects: this.#objects });
  }

  view(scope: ReadonlySet<string> | undefined): StateStore {
    return {
      journal: this.journal,
      description: this.store.description,
      read: async () => this.snapshot,
      write: (snapshot) => this.#write(snapshot, scope),
      acquire: () => Promise.reject(new ConvergeError('TERMINAL', 'STATE_LEASE_REQUIRED', 'a sharded replica works under its shard leases, not the workspace lock')),
      inspect: async () => undefined,
    };
  }

  /**
   * setLastApplied is called when every resource this replica knows is Ready. Only a replica
   * holding every shard knows every resource; it records lastApplied itself (fenced by shard 0).
   * Otherwise the holder of shard 0 records it once all replicas report the same (Replica).
   */
  async setLastApplied(lastApplied: NonNullable<StateSnapshot['lastApplied']>): Promise<StateSnapshot> {
    if (this.fence.held().length === this.fence.tokens().length && this.fence.held().length === SHARD_COUNT) await this.recordLastApplied(lastApplied);
    return this.snapshot;
  }

  /** recordLastApplied writes the workspace's lastApplied (fenced by shard 0). */
  async recordLastApplied(lastApplied: NonNullable<StateSnapshot['lastApplied']>): Promise<void> {
    await this.store.recordLastApplied(lastApplied, this.fence);
    this.#header = { ...this.#header, lastApplied, serial: this.#header.serial + 1 };
  }

  /** adopt reads the records of newly held shards, replacing whatever was remembered of them. */
  async adopt(shards: readonly number[]): Promise<void> {
    const records = await this.store.readObjects(shards);
    this.forget(shards);
    Object.assign(this.#objects, records);
  }

  /** forget drops the records of shards no longer held. */
  forget(shards: readonly number[]): void {
    const gone = new Set(shards);
    for (const key of Object.keys(this.#objects)) if (gone.has(shardOfKey(key))) delete this.#objects[key];
  }

  /** #write stores the records of `scope` that differ from what is remembered (see the file comment). */
  async #write(snapshot: StateSnapshot, scope: ReadonlySet<string> | undefined): Promise<StateSnapshot> {
    const changes: ObjectChange[] = [];
    for (const key of new Set([...Object.keys(this.#objects), ...Object.keys(snapshot.objects)])) {
      if (!inScope(scope, key)) continue;
      const next = snapshot.objects[key];
      const current = this.#objects[key];
      if (next === undefined && current !== undefined) changes.push({ key });
      else if (next !== undefined && (current === undefined || stringifySorted(next) !== stringifySorted(current))) changes.push({ key, record: structuredClone(next) });
    }
    if (changes.length === 0) return { ...snapshot, serial: Math.max(snapshot.serial, this.#header.serial) };
    const serial = await this.store.writeObjects(changes, this.fence);
    for (const change of changes) {
      if (change.record) this.#objects[change.key] = change.record;
      else delete this.#objects[change.key];
    }
    this.#header = { ...this.#header, serial: Math.max(serial, this.#header.serial) };
    return { ...snapshot, serial };
  }
}
