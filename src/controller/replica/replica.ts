/**
 * Replica is what `converge watch --sharded` adds to the controller: it joins the workspace's
 * replicas, keeps its shard leases (ShardKeeper), serves passes a state that holds only its
 * shards (ReplicaState), says which resources are its own, and gives each pass a tenure over
 * the shards of its keys. The holder of shard 0 records the workspace's lastApplied once every
 * live replica reports the same manifests converged and the live replicas hold all 64 shards.
 */
import { ConvergeError } from '../../errors/converge-error.js';
import { SHARD_COUNT, shardOfKey, supportsShards, type AppliedReport, type ReplicaMember, type ShardedStateStore, type ShardTimings } from '../../state/index.js';
import type { StateStore } from '../../state/types.js';
import type { Logger } from '../log/json-log.js';
import type { PassTenure } from './shard-holdings.js';
import { ShardKeeper } from './shard-keeper.js';
import { ReplicaState } from './replica-state.js';

/** ReplicaOptions: the replica's id, lease timings, the owner of a new state, and how long to wait for a single writer to finish. */
export interface ReplicaOptions {
  replicaId: string;
  timings: ShardTimings;
  owner?: string;
  lockTimeoutMs: number;
  command: string;
  log: Logger;
}

/** ReplicaHooks: what the controller does when shards come and go, and what it reports converged. */
export interface ReplicaHooks {
  /** gained: the shards' records are read; their resources are this replica's from now on. */
  gained(shards: number[]): void;
  lost(shards: number[]): void;
  applied(): AppliedReport | undefined;
}

/** ReplicaStatus is the `replica` section of /status. */
export interface ReplicaStatus {
  id: string;
  shardCount: number;
  /** shards held and worked on; `releasing` are being handed over to a replica that joined. */
  shards: number[];
  releasing: number[];
  liveReplicas: number;
  members: Array<{ id: string; host: string; pid: number; shards: number; heartbeatAt: string }>;
  /** refusedWrites counts writes refused because their shard was lost (locally or by the store). */
  refusedWrites: { local: number; store: number };
}

export class Replica {
  readonly #keeper: ShardKeeper;
  #state: ReplicaState | undefined;

  private constructor(
    private readonly sharded: ShardedStateStore,
    private readonly options: ReplicaOptions,
    private readonly hooks: ReplicaHooks,
  ) {
    this.#keeper = new ShardKeeper({
      store: sharded,
      timings: options.timings,
      log: options.log,
      applied: () => hooks.applied(),
      gained: async (shards) => {
        await this.state.adopt(shards);
        hooks.gained(shards);
      },
      lost: (shards) => {
        this.#state?.forget(shards);
        hooks.lost(shards);
      },
      members: (members) => this.#coordinate(members),
    });
  }

  /** open joins the replicas of `store`'s workspace and claims a fair share; PostgreSQL only. */
  static async open(store: StateStore, options: ReplicaOptions, hooks: ReplicaHooks): Promise<Replica> {
    if (!supportsShards(store)) {
      throw new ConvergeError('INVALID', 'USAGE', `--sharded needs a PostgreSQL state (--state postgresql://…); ${store.description} has a single writer`);
    }
    const replica = new Replica(store.sharded({ replicaId: options.replicaId, timings: options.timings }), options, hooks);
    try {
      await replica.#keeper.announce({ timeoutMs: options.lockTimeoutMs, command: options.command });
      replica.#state = await ReplicaState.open(replica.sharded, replica.#keeper.holdings, options.owner);
      await replica.#keeper.start();
    } catch (error) {
      await replica.close();
      throw error;
    }
    return replica;
  }

  get id(): string {
    return this.options.replicaId;
  }

  get state(): ReplicaState {
    if (!this.#state) throw new Error('the replica is not open');
    return this.#state;
  }

  /** store is the StateStore of passes over everything this replica holds (journal fenced per shard). */
  get store(): StateStore {
    return this.state.view(undefined);
  }

  /** owns: the resource (or object) key belongs to a shard this replica holds and is not handing over. */
  owns(key: string): boolean {
    return this.#keeper.holdings.owns(shardOfKey(key));
  }

  /** tenure holds the shards of `keys` for one pass (see PassTenure). */
  tenure(keys: readonly string[]): PassTenure {
    return this.#keeper.holdings.tenure(keys);
  }

  status(): ReplicaStatus {
    const holdings = this.#keeper.holdings;
    const members = this.#keeper.members;
    return {
      id: this.options.replicaId,
      shardCount: SHARD_COUNT,
      shards: holdings.active(),
      releasing: holdings.releasing(),
      liveReplicas: members.length,
      members: members.map((m) => ({ id: m.id, host: m.holder.host, pid: m.holder.pid, shards: m.shards.length, heartbeatAt: m.heartbeatAt })),
      refusedWrites: { ...holdings.refusals },
    };
  }

  /** close leaves the replicas (every shard released at once) and closes the store. */
  async close(): Promise<void> {
    await this.#keeper.leave();
    await this.sharded.close().catch(() => undefined);
  }

  /** #coordinate: the holder of shard 0 records lastApplied when all live replicas agree (see the file comment). */
  async #coordinate(members: readonly ReplicaMember[]): Promise<void> {
    const state = this.#state;
    if (!state || this.#keeper.holdings.tokenFor(0) === undefined) return;
    const first = members[0]?.applied;
    if (!first || !members.every((m) => m.applied?.manifestsDigest === first.manifestsDigest && m.applied.revision === first.revision)) return;
    if (new Set(members.flatMap((m) => m.shards)).size < SHARD_COUNT) return;
    const last = state.snapshot.lastApplied;
    if (last?.manifestsDigest === first.manifestsDigest && last.revision === first.revision) return;
    await state.recordLastApplied({ manifestsDigest: first.manifestsDigest, at: new Date().toISOString(), ...(first.revision ? { revision: first.revision } : {}) });
    this.options.log.info({ revision: first.revision ?? null, digest: first.manifestsDigest, replicas: members.length }, 'applied');
  }
}
