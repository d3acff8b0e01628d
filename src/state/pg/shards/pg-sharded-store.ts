/**
 * PgShardedStore is the replica side of a PostgreSQL workspace (ShardedStateStore): membership,
 * shard leases, fenced object writes and the sharded journal, over the connection and schema of
 * the PgStateStore that opened it. See docs/STATE.md "Watch replicas".
 */
import { makeHolder } from '../../lock-holder.js';
import type { AppliedReport, ObjectChange, ReplicaMember, ShardedStateStore, ShardFence, ShardLease, ShardRow, ShardTimings, WorkspaceHeader } from '../../shards/shard-types.js';
import type { Journal, ObjectRecord, StateSnapshot } from '../../types.js';
import type { PgContext } from '../pg-context.js';
import { PgMembership } from './pg-membership.js';
import { PgShardJournal } from './pg-shard-journal.js';
import { PgShardLeases } from './pg-shard-leases.js';
import { PgShardObjects } from './pg-shard-objects.js';

export class PgShardedStore implements ShardedStateStore {
  readonly description: string;
  readonly #ctx: PgContext;
  readonly #membership: PgMembership;
  readonly #leases: PgShardLeases;
  readonly #objects: PgShardObjects;

  constructor(
    ctx: PgContext,
    readonly replicaId: string,
    timings: ShardTimings,
    private readonly onClose: () => Promise<void>,
  ) {
    this.#ctx = ctx;
    this.description = `${ctx.where} (workspace ${ctx.workspace}, replica ${replicaId})`;
    this.#membership = new PgMembership(ctx, replicaId, makeHolder('converge watch --sharded', timings.ttlMs, Date.now()), timings);
    this.#leases = new PgShardLeases(ctx, replicaId, timings);
    this.#objects = new PgShardObjects(ctx);
  }

  async join(options: { timeoutMs: number; command: string }): Promise<void> {
    await this.#ctx.ready();
    await this.#membership.join(options.timeoutMs, options.command);
    await this.#objects.backfill();
  }

  heartbeat(applied: AppliedReport | undefined): Promise<ReplicaMember[]> {
    return this.#membership.heartbeat(applied);
  }

  renew(tokens: readonly number[]): Promise<ShardLease[]> {
    return this.#leases.renew(tokens);
  }

  claim(shards: readonly number[]): Promise<ShardLease[]> {
    return this.#leases.claim(shards);
  }

  release(tokens: readonly number[]): Promise<void> {
    return this.#leases.release(tokens);
  }

  leave(): Promise<void> {
    return this.#membership.leave();
  }

  shardMap(): Promise<ShardRow[]> {
    return this.#leases.shardMap();
  }

  header(owner: string | undefined): Promise<WorkspaceHeader> {
    return this.#objects.header(owner);
  }

  readObjects(shards: readonly number[]): Promise<Record<string, ObjectRecord>> {
    return this.#objects.readObjects(shards);
  }

  writeObjects(changes: readonly ObjectChange[], fence: ShardFence): Promise<number> {
    return this.#objects.writeObjects(changes, fence);
  }

  journal(fence: ShardFence): Journal {
    return new PgShardJournal(this.#ctx, fence);
  }

  recordLastApplied(lastApplied: NonNullable<StateSnapshot['lastApplied']>, fence: ShardFence): Promise<void> {
    return this.#objects.recordLastApplied(lastApplied, fence);
  }

  close(): Promise<void> {
    return this.onClose();
  }
}
