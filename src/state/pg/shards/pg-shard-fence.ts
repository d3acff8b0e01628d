/**
 * Fencing per shard. A replica's writes are checked, inside their own transaction, against the
 * lease of the shard each row belongs to: the token must still be that shard's, unexpired by the
 * database clock, and the check takes a share lock on the lease row, so a takeover (an update of
 * that row) waits for the write or the write sees the takeover. A write refused by the store is
 * recorded in `fence_rejections` (per replica and shard), so that a paused replica's attempts
 * after a takeover stay visible; one refused before it leaves (its lease known lapsed) is only
 * told to the replica's ShardFence.
 */
import { createHash } from 'node:crypto';
import { ConvergeError } from '../../../errors/converge-error.js';
import type { ShardFence } from '../../shards/shard-types.js';
import type { Querier } from '../pg-connection.js';
import type { PgContext } from '../pg-context.js';

/** FencePair is a shard and the token a write presents for it. */
export interface FencePair {
  shard: number;
  token: number;
}

/** shardLostError is the CONFLICT a write fails with when one of its shards is no longer this replica's. */
export function shardLostError(ctx: PgContext, shards: readonly number[], where: 'local' | 'store'): ConvergeError {
  const list = [...new Set(shards)].sort((a, b) => a - b).join(', ');
  const how = where === 'store' ? 'the store refused the write' : 'this replica no longer holds a valid lease on it';
  return new ConvergeError('CONFLICT', 'SHARD_LEASE_LOST', `PostgreSQL ${ctx.where}: shard ${list} of workspace ${ctx.workspace} expired or was taken over (${how}); nothing was written`, {
    database: ctx.where,
    workspace: ctx.workspace,
    shards: list,
  });
}

/** pairsFor returns the token of each shard, or refuses (locally) when any is not held and valid now. */
export function pairsFor(ctx: PgContext, fence: ShardFence, shards: Iterable<number>, action: string): FencePair[] {
  const pairs: FencePair[] = [];
  const missing: number[] = [];
  for (const shard of new Set(shards)) {
    const token = fence.tokenFor(shard);
    if (token === undefined) missing.push(shard);
    else pairs.push({ shard, token });
  }
  if (missing.length > 0) {
    fence.refused(missing, 'local', action);
    throw shardLostError(ctx, missing, 'local');
  }
  return pairs;
}

/**
 * lockFence checks, in the caller's transaction, that every pair is a live lease (share-locking
 * the rows) and returns the shards that are not. $1 is the workspace.
 */
export async function lockFence(ctx: PgContext, query: Querier, pairs: readonly FencePair[]): Promise<number[]> {
  const rows = await query<{ shard: number }>(
    `SELECT l.shard FROM ${ctx.s}.shard_leases l JOIN unnest($2::int[], $3::bigint[]) AS f(shard, token) ON l.shard = f.shard AND l.token = f.token
     WHERE l.workspace = $1 AND l.expires_at > clock_timestamp() FOR SHARE OF l`,
    [ctx.workspace, pairs.map((p) => p.shard), pairs.map((p) => p.token)],
  );
  const live = new Set(rows.map((r) => r.shard));
  return pairs.filter((p) => !live.has(p.shard)).map((p) => p.shard);
}

/** storeRefused records a write the store refused (best effort) and returns the error to throw. */
export async function storeRefused(ctx: PgContext, fence: ShardFence, shards: readonly number[], action: string): Promise<ConvergeError> {
  fence.refused(shards, 'store', action);
  await ctx.connection
    .query(
      'recording a refused write',
      `INSERT INTO ${ctx.s}.fence_rejections (workspace, holder_id, shard, count, last_action, last_at)
       SELECT $1, $2, shard, 1, $4, clock_timestamp() FROM unnest($3::int[]) AS shard
       ON CONFLICT (workspace, holder_id, shard) DO UPDATE SET count = ${ctx.s}.fence_rejections.count + 1, last_action = excluded.last_action, last_at = excluded.last_at`,
      [ctx.workspace, fence.replicaId, [...new Set(shards)], action],
    )
    .catch(() => undefined);
  return shardLostError(ctx, shards, 'store');
}

/**
 * workspaceLockKey is the transaction-level advisory lock that serializes taking the
 * whole-workspace lease against claiming shards: a single writer and replicas never both hold
 * a workspace.
 */
export function workspaceLockKey(schema: string, workspace: string): string {
  return createHash('sha256').update(`converge.workspace:${schema}:${workspace}`).digest().readBigInt64BE(0).toString();
}
