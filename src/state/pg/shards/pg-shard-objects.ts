/**
 * A replica's view of the workspace's state rows. Replicas never compare-and-swap the serial:
 * each write transaction checks the lease of every shard it touches (pg-shard-fence.ts), writes
 * only its object rows (each stamped with its shard, the token it was written under and the
 * database time), and bumps the workspace serial with `serial = serial + 1`. Concurrent writers
 * queue on the workspace row for the few milliseconds of their transaction instead of failing
 * with a serial conflict; the serial still grows by one per write, so readers (`plan`,
 * `status`) keep seeing every change.
 */
import { ConvergeError } from '../../../errors/converge-error.js';
import { newSnapshot } from '../../snapshot-codec.js';
import { shardOfKey } from '../../shards/shard-of.js';
import type { ObjectChange, ShardFence, WorkspaceHeader } from '../../shards/shard-types.js';
import { stringifySorted } from '../../sorted-json.js';
import type { ObjectRecord, StateSnapshot } from '../../types.js';
import type { Querier } from '../pg-connection.js';
import type { PgContext } from '../pg-context.js';
import { lockFence, pairsFor, storeRefused, type FencePair } from './pg-shard-fence.js';

interface HeaderRow {
  format_version: number;
  lineage: string;
  serial: string;
  owner: string;
  last_applied: StateSnapshot['lastApplied'] | null;
}

export class PgShardObjects {
  constructor(private readonly ctx: PgContext) {}

  /** header: see ShardedStateStore.header. */
  async header(owner: string | undefined): Promise<WorkspaceHeader> {
    const fresh = newSnapshot(owner);
    const { s, workspace } = this.ctx;
    await this.ctx.connection.query(
      'creating the workspace',
      `INSERT INTO ${s}.workspaces (name, format_version, lineage, serial, owner) VALUES ($1, 1, $2, 1, $3) ON CONFLICT (name) DO NOTHING`,
      [workspace, fresh.lineage, fresh.owner],
    );
    const [row] = await this.ctx.connection.query<HeaderRow>('reading the workspace', `SELECT format_version, lineage, serial, owner, last_applied FROM ${s}.workspaces WHERE name = $1`, [workspace]);
    if (row === undefined) throw new ConvergeError('CONFLICT', 'STATE_SERIAL_CONFLICT', `workspace ${workspace} was removed while a replica was opening it`, { workspace });
    if (row.format_version !== 1) {
      throw new ConvergeError('TERMINAL', 'STATE_FORMAT_UNSUPPORTED', `PostgreSQL ${this.ctx.where}: workspace ${workspace} has formatVersion ${row.format_version}; this converge reads version 1`, { workspace });
    }
    return { formatVersion: 1, lineage: row.lineage, serial: Number(row.serial), owner: row.owner, ...(row.last_applied ? { lastApplied: row.last_applied } : {}) };
  }

  /** readObjects: the records of `shards` (rows a single writer left without a shard are placed by their key). */
  async readObjects(shards: readonly number[]): Promise<Record<string, ObjectRecord>> {
    const wanted = new Set(shards);
    const rows = await this.ctx.connection.query<{ key: string; record: ObjectRecord }>(
      'reading objects of shards',
      `SELECT key, record FROM ${this.ctx.s}.objects WHERE workspace = $1 AND (shard = ANY($2::int[]) OR shard IS NULL)`,
      [this.ctx.workspace, [...wanted]],
    );
    return Object.fromEntries(rows.filter((r) => wanted.has(shardOfKey(r.key))).map((r) => [r.key, r.record]));
  }

  /** writeObjects: see ShardedStateStore.writeObjects. */
  async writeObjects(changes: readonly ObjectChange[], fence: ShardFence): Promise<number> {
    const pairs = pairsFor(this.ctx, fence, changes.map((c) => shardOfKey(c.key)), 'writing objects');
    const tokenOf = new Map(pairs.map((p) => [p.shard, p.token]));
    const rows = changes.filter((c) => c.record).map((c) => ({ key: c.key, record: JSON.parse(stringifySorted(c.record)) as unknown, shard: shardOfKey(c.key), token: tokenOf.get(shardOfKey(c.key)) }));
    const removed = changes.filter((c) => !c.record).map((c) => c.key);
    const { s, workspace } = this.ctx;
    const result = await this.fenced('writing objects', pairs, async (query) => {
      if (rows.length > 0) {
        await query(
          `INSERT INTO ${s}.objects (workspace, key, record, shard, token, written_at)
           SELECT $1, c.key, c.record, c.shard, c.token, clock_timestamp() FROM jsonb_to_recordset($2::jsonb) AS c(key text, record jsonb, shard smallint, token bigint)
           ON CONFLICT (workspace, key) DO UPDATE SET record = excluded.record, shard = excluded.shard, token = excluded.token, written_at = excluded.written_at`,
          [workspace, JSON.stringify(rows)],
        );
      }
      if (removed.length > 0) await query(`DELETE FROM ${s}.objects WHERE workspace = $1 AND key = ANY($2::text[])`, [workspace, removed]);
      return this.bumpSerial(query, null);
    });
    if ('refused' in result) throw await storeRefused(this.ctx, fence, result.refused, 'writing objects');
    return result.serial;
  }

  /** recordLastApplied: see ShardedStateStore.recordLastApplied. */
  async recordLastApplied(lastApplied: NonNullable<StateSnapshot['lastApplied']>, fence: ShardFence): Promise<void> {
    const pairs = pairsFor(this.ctx, fence, [0], 'recording lastApplied');
    const result = await this.fenced('recording lastApplied', pairs, (query) => this.bumpSerial(query, JSON.stringify(lastApplied)));
    if ('refused' in result) throw await storeRefused(this.ctx, fence, result.refused, 'recording lastApplied');
  }

  /** backfill stamps rows a single writer left without a shard (objects and journal) with their shard. */
  async backfill(): Promise<void> {
    const { s, workspace } = this.ctx;
    for (const table of ['objects', 'journal'] as const) {
      const rows = await this.ctx.connection.query<{ key: string }>('placing rows in shards', `SELECT DISTINCT key FROM ${s}.${table} WHERE workspace = $1 AND shard IS NULL`, [workspace]);
      if (rows.length === 0) continue;
      await this.ctx.connection.query(
        'placing rows in shards',
        `UPDATE ${s}.${table} t SET shard = u.shard FROM unnest($2::text[], $3::int[]) AS u(key, shard) WHERE t.workspace = $1 AND t.key = u.key AND t.shard IS NULL`,
        [workspace, rows.map((r) => r.key), rows.map((r) => shardOfKey(r.key))],
      );
    }
  }

  /** fenced runs `fn` in a transaction only if every pair is a live lease; otherwise reports the shards refused. */
  private fenced<T extends object>(action: string, pairs: readonly FencePair[], fn: (query: Querier) => Promise<T>): Promise<{ refused: number[] } | T> {
    return this.ctx.connection.transaction(action, async (query) => {
      const refused = await lockFence(this.ctx, query, pairs);
      if (refused.length > 0) return { refused };
      return fn(query);
    });
  }

  private async bumpSerial(query: Querier, lastApplied: string | null): Promise<{ serial: number }> {
    const [row] = await query<{ serial: string }>(
      `UPDATE ${this.ctx.s}.workspaces SET serial = serial + 1, updated_at = now(), last_applied = coalesce($2::jsonb, last_applied) WHERE name = $1 RETURNING serial`,
      [this.ctx.workspace, lastApplied],
    );
    if (row === undefined) throw new ConvergeError('CONFLICT', 'STATE_SERIAL_CONFLICT', `workspace ${this.ctx.workspace} was removed while replicas were writing it`, { workspace: this.ctx.workspace });
    return { serial: Number(row.serial) };
  }
}
