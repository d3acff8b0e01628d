/**
 * What `converge watch --sharded` replicas need from a state store besides the single-writer
 * interfaces of ../types.ts: membership rows, one lease per shard with its own fencing token,
 * object writes fenced per object by the token of its shard, and a journal fenced the same way.
 * Only the PostgreSQL store serves them (ShardedStateStore); the file store has one writer.
 */
import type { Journal, LockHolder, ObjectRecord, StateSnapshot } from '../types.js';

/** ShardTimings: how long a shard lease and a membership last, and how often they are renewed (ms). */
export interface ShardTimings {
  ttlMs: number;
  renewMs: number;
}

/** ShardLease is one shard held by a replica: its fencing token and when it expires (database clock). */
export interface ShardLease {
  shard: number;
  token: number;
  expiresAt: string;
}

/** AppliedReport is what a replica says it has converged: every resource of its shards Ready at this manifests digest. */
export interface AppliedReport {
  manifestsDigest: string;
  revision?: string;
}

/** ReplicaMember is a live replica as its membership row shows it, with the shards it holds. */
export interface ReplicaMember {
  id: string;
  holder: LockHolder;
  joinedAt: string;
  heartbeatAt: string;
  expiresAt: string;
  applied?: AppliedReport;
  shards: number[];
}

/** ShardRow is one row of the shard map: who holds a shard and whether the lease is still live. */
export interface ShardRow {
  shard: number;
  holder: string;
  token: number;
  live: boolean;
}

/** WorkspaceHeader is a workspace's snapshot without its objects. */
export type WorkspaceHeader = Omit<StateSnapshot, 'objects'>;

/**
 * ShardFence is how fenced writes learn the replica's tokens. `tokenFor` answers only for a
 * shard held *and* still valid by this process's monotonic clock (a lease can lapse while the
 * process is paused, before any timer notices); `refused` is told of every write refused,
 * locally (`local`) or by the store (`store`), so the holder can stop acting for those shards.
 */
export interface ShardFence {
  readonly replicaId: string;
  tokenFor(shard: number): number | undefined;
  /** tokens are the tokens of every shard held and valid now. */
  tokens(): number[];
  /** held lists the shards held now (their intents and objects are this replica's to read). */
  held(): number[];
  refused(shards: readonly number[], where: 'local' | 'store', action: string): void;
}

/** ObjectChange sets (record) or removes (no record) one object row. */
export interface ObjectChange {
  key: string;
  record?: ObjectRecord;
}

/** ShardedStateStore is the replica side of a workspace (see the file comment). */
export interface ShardedStateStore {
  readonly replicaId: string;
  readonly description: string;
  /**
   * join announces this replica (membership row) once no whole-workspace lease is live; it waits
   * up to `timeoutMs` for one and then throws STATE_LOCKED naming its holder.
   */
  join(options: { timeoutMs: number; command: string }): Promise<void>;
  /** heartbeat renews the membership (with the applied report) and returns every live member. */
  heartbeat(applied: AppliedReport | undefined): Promise<ReplicaMember[]>;
  /** renew extends the leases of these tokens that are still this replica's; the others are lost. */
  renew(tokens: readonly number[]): Promise<ShardLease[]>;
  /** claim takes those of `shards` that are free or expired, each with a new token. */
  claim(shards: readonly number[]): Promise<ShardLease[]>;
  /** release gives up the shards of these tokens at once. */
  release(tokens: readonly number[]): Promise<void>;
  /** leave releases every shard of this replica and removes its membership row. */
  leave(): Promise<void>;
  shardMap(): Promise<ShardRow[]>;
  /** header reads the workspace row, creating it (serial 1, `owner` or a new lineage) when absent. */
  header(owner: string | undefined): Promise<WorkspaceHeader>;
  /** readObjects returns the object records of these shards. */
  readObjects(shards: readonly number[]): Promise<Record<string, ObjectRecord>>;
  /** writeObjects applies the changes in one transaction fenced per shard; returns the workspace's new serial. */
  writeObjects(changes: readonly ObjectChange[], fence: ShardFence): Promise<number>;
  /** journal is the workspace journal as this replica sees it: intents of its shards, writes fenced by their shard. */
  journal(fence: ShardFence): Journal;
  /** recordLastApplied writes the workspace's lastApplied, fenced by the token of shard 0. */
  recordLastApplied(lastApplied: NonNullable<StateSnapshot['lastApplied']>, fence: ShardFence): Promise<void>;
  close(): Promise<void>;
}

/** ShardCapable is a store that can open the replica side of its workspace. */
export interface ShardCapable {
  sharded(options: { replicaId: string; timings: ShardTimings }): ShardedStateStore;
}

/** supportsShards: the store can serve sharded replicas (PostgreSQL). */
export function supportsShards(store: object): store is ShardCapable {
  return typeof (store as Partial<ShardCapable>).sharded === 'function';
}
