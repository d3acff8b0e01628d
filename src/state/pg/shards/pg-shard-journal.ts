/**
 * PgShardJournal is the journal as one sharded replica sees and writes it: the same rows and
 * status rules as PgJournal, but each intent belongs to the shard of its key and every write is
 * fenced by that shard's lease (not the workspace lease). `unsettled` and `recent` list only the
 * intents of the shards this replica holds, so it settles and recovers nothing of another's.
 *
 * `begin` re-checks the lease by this process's monotonic clock once its row is committed: a
 * replica paused between the two (SIGSTOP, a long GC) must not make the call after its lease
 * lapsed, and the intent it leaves open is settled by the shard's next holder. A driver's own
 * repair (`recover/<backend>` keys) is fenced by that key's shard when held, else by the first
 * shard this replica holds: its intents concern objects of the shards whose intents it recovers.
 */
import { newIntentId } from '../../intent-id.js';
import { isDriverKey, shardOfKey } from '../../shards/shard-of.js';
import type { ShardFence } from '../../shards/shard-types.js';
import type { Intent, Journal } from '../../types.js';
import type { PgContext } from '../pg-context.js';
import { RESOLVE_SET, SETTLE_SET } from '../pg-journal.js';
import { pairsFor, shardLostError, storeRefused } from './pg-shard-fence.js';

type ResolveResult = Parameters<Journal['resolve']>[1];

export class PgShardJournal implements Journal {
  constructor(
    private readonly ctx: PgContext,
    private readonly fence: ShardFence,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async begin(intent: Omit<Intent, 'id' | 'status' | 'startedAt'>): Promise<Intent> {
    const startedAt = this.now();
    const begun: Intent = { ...intent, id: newIntentId(startedAt.getTime()), status: 'open', startedAt: startedAt.toISOString() };
    const [pair] = pairsFor(this.ctx, this.fence, [this.shardFor(intent.key)], 'recording an intent');
    const { shard, token } = pair!;
    const [row] = await this.ctx.connection.query<{ fenced: boolean }>(
      'recording an intent',
      `WITH fence AS (SELECT token FROM ${this.ctx.s}.shard_leases WHERE workspace = $1 AND shard = $2 AND token = $3 AND expires_at > clock_timestamp() FOR SHARE),
       change AS (INSERT INTO ${this.ctx.s}.journal (workspace, id, intent, shard, token, holder_id, written_at)
                  SELECT $1, $4, $5::jsonb, $2, $3, $6, clock_timestamp() FROM fence RETURNING 1)
       SELECT EXISTS (SELECT 1 FROM fence) AS fenced`,
      [this.ctx.workspace, shard, token, begun.id, JSON.stringify(begun), this.fence.replicaId],
    );
    if (!row?.fenced) throw await storeRefused(this.ctx, this.fence, [shard], 'recording an intent');
    if (this.fence.tokenFor(shard) !== token) {
      this.fence.refused([shard], 'local', 'making a call');
      throw shardLostError(this.ctx, [shard], 'local');
    }
    return begun;
  }

  /** resolve: see PgJournal.resolve. */
  async resolve(id: string, result: ResolveResult): Promise<void> {
    const patch = { status: result.status, endedAt: this.now().toISOString(), ...(result.outcome && { outcome: result.outcome }), ...(result.error && { error: result.error }) };
    await this.fenced('resolving an intent', RESOLVE_SET, [id, JSON.stringify(patch)]);
  }

  /** settle: see PgJournal.settle. */
  async settle(id: string, note: string, outcome?: Record<string, unknown>): Promise<void> {
    await this.fenced('settling an intent', SETTLE_SET, [id, note, outcome ? 'done' : 'unknown', this.now().toISOString(), outcome ? JSON.stringify(outcome) : null]);
  }

  async unsettled(): Promise<Intent[]> {
    return this.select('reading unsettled intents', 'AND unsettled');
  }

  async recent(): Promise<Intent[]> {
    return this.select('reading the journal', '');
  }

  /** compact deletes the intents of this replica's live shards that are not unsettled. */
  async compact(): Promise<void> {
    const { s } = this.ctx;
    await this.ctx.connection.query(
      'compacting the journal',
      `WITH fence AS (SELECT shard FROM ${s}.shard_leases WHERE workspace = $1 AND token = ANY($2::bigint[]) AND expires_at > clock_timestamp() FOR SHARE)
       DELETE FROM ${s}.journal WHERE workspace = $1 AND NOT unsettled AND shard IN (SELECT shard FROM fence)`,
      [this.ctx.workspace, this.fence.tokens()],
    );
  }

  private shardFor(key: string): number {
    const shard = shardOfKey(key);
    if (!isDriverKey(key) || this.fence.tokenFor(shard) !== undefined) return shard;
    return this.fence.held().find((held) => this.fence.tokenFor(held) !== undefined) ?? shard;
  }

  private async select(action: string, filter: string): Promise<Intent[]> {
    const held = new Set(this.fence.held());
    const rows = await this.ctx.connection.query<{ intent: Intent; shard: number | null }>(
      action,
      `SELECT intent, shard FROM ${this.ctx.s}.journal WHERE workspace = $1 AND (shard = ANY($2::int[]) OR shard IS NULL) ${filter} ORDER BY seq`,
      [this.ctx.workspace, [...held]],
    );
    return rows.filter((row) => held.has(row.shard ?? shardOfKey(row.intent.key))).map((row) => row.intent);
  }

  /**
   * fenced updates intent $3 only while the lease of the shard its row belongs to carries one of
   * this replica's tokens ($2); a missing row changes nothing, as in PgJournal.
   */
  private async fenced(action: string, set: string, values: unknown[]): Promise<void> {
    const { s } = this.ctx;
    const [row] = await this.ctx.connection.query<{ fenced: boolean; shard: number | null }>(
      action,
      `WITH fence AS (SELECT l.shard, l.token FROM ${s}.journal j JOIN ${s}.shard_leases l ON l.workspace = j.workspace AND l.shard = j.shard
                      WHERE j.workspace = $1 AND j.id = $3 AND l.token = ANY($2::bigint[]) AND l.expires_at > clock_timestamp() FOR SHARE OF l),
       change AS (UPDATE ${s}.journal SET ${set}, token = (SELECT token FROM fence), holder_id = $${values.length + 3}, written_at = clock_timestamp()
                  WHERE workspace = $1 AND id = $3 AND EXISTS (SELECT 1 FROM fence) RETURNING 1)
       SELECT EXISTS (SELECT 1 FROM fence) AS fenced, (SELECT shard FROM ${s}.journal WHERE workspace = $1 AND id = $3) AS shard`,
      [this.ctx.workspace, this.fence.tokens(), ...values, this.fence.replicaId],
    );
    if (row?.fenced || row?.shard === null || row?.shard === undefined) return;
    throw await storeRefused(this.ctx, this.fence, [row.shard], action);
  }
}
