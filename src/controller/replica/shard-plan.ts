/**
 * Rebalancing, as a pure decision: each live replica aims at the fair share ceil(64 / live
 * replicas). One holding more releases its surplus; one holding fewer claims free or expired
 * shards. Each replica walks the shards in its own order (starting at the hash of its id), so
 * replicas claiming at once mostly ask for different shards, and one releases the shards last
 * in its own order, the ones it would claim last.
 */
import { SHARD_COUNT, shardOfResource, type ShardRow } from '../../state/index.js';

/** fairShare is how many shards each of `live` replicas should hold. */
export function fairShare(live: number): number {
  return Math.ceil(SHARD_COUNT / Math.max(1, live));
}

/** RebalanceInput: this replica, the live member count, the shards it holds (not releasing), the shard map. */
export interface RebalanceInput {
  replicaId: string;
  live: number;
  held: readonly number[];
  map: readonly ShardRow[];
}

/** RebalancePlan: shards to release (drained first) and shards to try to claim. */
export interface RebalancePlan {
  release: number[];
  claim: number[];
}

export function planRebalance(input: RebalanceInput): RebalancePlan {
  const fair = fairShare(input.live);
  const order = preferenceOrder(input.replicaId);
  const held = new Set(input.held);
  if (held.size > fair) {
    return { release: order.filter((s) => held.has(s)).slice(fair), claim: [] };
  }
  const taken = new Set(input.map.filter((row) => row.live).map((row) => row.shard));
  const free = order.filter((s) => !taken.has(s) && !held.has(s));
  return { release: [], claim: free.slice(0, fair - held.size) };
}

/** preferenceOrder lists every shard, starting at the one `replicaId` hashes to. */
export function preferenceOrder(replicaId: string): number[] {
  const start = shardOfResource(replicaId);
  return Array.from({ length: SHARD_COUNT }, (_, i) => (start + i) % SHARD_COUNT);
}
