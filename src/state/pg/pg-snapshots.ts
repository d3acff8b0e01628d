/**
 * Reading and writing a workspace's snapshot: a `workspaces` row (lineage, serial, owner,
 * lastApplied) and one `objects` row per object key.
 *
 * A write is one transaction: fence check, the workspace row locked FOR UPDATE, the serial
 * compare-and-swap, then only the object rows that changed. Knowing what changed needs the rows
 * as they stand: `ObjectCache` keeps the records of the last snapshot this store read or wrote,
 * valid exactly while the stored serial is that snapshot's (every write bumps it), so a write at
 * the expected serial sends only its differences; otherwise it replaces every row.
 */
import { ConvergeError } from '../../errors/converge-error.js';
import { stringifySorted } from '../sorted-json.js';
import type { Intent, ObjectRecord, StateSnapshot } from '../types.js';
import type { Querier } from './pg-connection.js';
import type { PgContext } from './pg-context.js';
import { fenceCte, tokenOf } from './pg-fence.js';

interface WorkspaceRow {
  format_version: number;
  lineage: string;
  serial: string;
  owner: string;
  last_applied: StateSnapshot['lastApplied'] | null;
  objects: Record<string, ObjectRecord>;
}

/** ObjectCache: canonical JSON of each record at one (lineage, serial) of the workspace. */
interface ObjectCache {
  lineage: string;
  serial: number;
  records: Map<string, string>;
}

export class PgSnapshots {
  private cache: ObjectCache | undefined;

  constructor(private readonly ctx: PgContext) {}

  /** read returns the stored snapshot, or undefined when the workspace was never written. */
  async read(): Promise<StateSnapshot | undefined> {
    await this.ctx.ready();
    const { s } = this.ctx;
    const [row] = await this.ctx.connection.query<WorkspaceRow>(
      'reading the state',
      `SELECT w.format_version, w.lineage, w.serial, w.owner, w.last_applied,
         coalesce((SELECT jsonb_object_agg(o.key, o.record) FROM ${s}.objects o WHERE o.workspace = w.name), '{}'::jsonb) AS objects
       FROM ${s}.workspaces w WHERE w.name = $1`,
      [this.ctx.workspace],
    );
    if (row === undefined) return undefined;
    const snapshot = this.toSnapshot(row);
    this.remember(snapshot);
    return snapshot;
  }

  /** write: see StateWriter; `lineageConflict`/`serialConflict` build the CONFLICT errors. */
  async write(snapshot: StateSnapshot, expectedSerial: number): Promise<StateSnapshot> {
    await this.ctx.ready();
    const next: StateSnapshot = JSON.parse(stringifySorted({ ...snapshot, serial: expectedSerial + 1 })) as StateSnapshot;
    await this.fencedTransaction('writing the state', async (query) => {
      const [stored] = await query<{ lineage: string; serial: string }>(`SELECT lineage, serial FROM ${this.ctx.s}.workspaces WHERE name = $1 FOR UPDATE`, [this.ctx.workspace]);
      this.checkExpected(snapshot, stored && { lineage: stored.lineage, serial: Number(stored.serial) }, expectedSerial);
      await this.saveWorkspace(query, next, stored !== undefined);
      await this.saveObjects(query, next, expectedSerial);
    });
    this.remember(next);
    return next;
  }

  /** isEmpty: no workspace row and no journal row. */
  async isEmpty(): Promise<boolean> {
    await this.ctx.ready();
    const { s } = this.ctx;
    const [row] = await this.ctx.connection.query<{ empty: boolean }>(
      'checking whether the workspace is empty',
      `SELECT NOT EXISTS (SELECT 1 FROM ${s}.workspaces WHERE name = $1) AND NOT EXISTS (SELECT 1 FROM ${s}.journal WHERE workspace = $1) AS empty`,
      [this.ctx.workspace],
    );
    return row?.empty ?? false;
  }

  /** replaceAll stores `snapshot` as given (serial kept) and `intents` as the whole journal, in one transaction. */
  async replaceAll(snapshot: StateSnapshot, intents: Intent[]): Promise<void> {
    await this.ctx.ready();
    const stored: StateSnapshot = JSON.parse(stringifySorted(snapshot)) as StateSnapshot;
    await this.fencedTransaction('replacing the state', async (query) => {
      const { s, workspace } = this.ctx;
      await query(`DELETE FROM ${s}.workspaces WHERE name = $1`, [workspace]);
      await query(`DELETE FROM ${s}.journal WHERE workspace = $1`, [workspace]);
      await this.saveWorkspace(query, stored, false);
      await this.saveObjects(query, stored, undefined);
      await query(`INSERT INTO ${s}.journal (workspace, id, intent) SELECT $1, i->>'id', i FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(i, n) ORDER BY n`, [workspace, JSON.stringify(intents)]);
    });
    this.remember(stored);
  }

  private async fencedTransaction(action: string, fn: (query: Querier) => Promise<void>): Promise<void> {
    const token = tokenOf(this.ctx.fence(), this.ctx.where, this.ctx.workspace);
    await this.ctx.connection.transaction(action, async (query) => {
      const [fenced] = await query(`WITH ${fenceCte(this.ctx.s)} SELECT token FROM fence`, [this.ctx.workspace, token]);
      if (fenced === undefined) this.ctx.lost(token);
      await fn(query);
    });
  }

  private async saveWorkspace(query: Querier, next: StateSnapshot, exists: boolean): Promise<void> {
    const values = [this.ctx.workspace, next.formatVersion, next.lineage, next.serial, next.owner, next.lastApplied === undefined ? null : JSON.stringify(next.lastApplied)];
    const { s } = this.ctx;
    if (exists) {
      await query(`UPDATE ${s}.workspaces SET format_version = $2, lineage = $3, serial = $4, owner = $5, last_applied = $6::jsonb, updated_at = now() WHERE name = $1`, values);
      return;
    }
    const inserted = await query(`INSERT INTO ${s}.workspaces (name, format_version, lineage, serial, owner, last_applied) VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (name) DO NOTHING RETURNING name`, values);
    if (inserted.length === 0) throw this.serialConflict(next.serial - 1, undefined);
  }

  /** saveObjects writes the object rows: the differences from the cache when it is at `expectedSerial`, else all. */
  private async saveObjects(query: Querier, next: StateSnapshot, expectedSerial: number | undefined): Promise<void> {
    const { s, workspace } = this.ctx;
    const base = this.cache?.lineage === next.lineage && this.cache.serial === expectedSerial ? this.cache.records : undefined;
    if (base === undefined) await query(`DELETE FROM ${s}.objects WHERE workspace = $1`, [workspace]);
    const changed: Record<string, ObjectRecord> = {};
    for (const [key, record] of Object.entries(next.objects)) if (base?.get(key) !== stringifySorted(record)) changed[key] = record;
    const removed = base === undefined ? [] : [...base.keys()].filter((key) => !(key in next.objects));
    if (removed.length > 0) await query(`DELETE FROM ${s}.objects WHERE workspace = $1 AND key = ANY($2::text[])`, [workspace, removed]);
    if (Object.keys(changed).length === 0) return;
    await query(
      `INSERT INTO ${s}.objects (workspace, key, record) SELECT $1, e.key, e.value FROM jsonb_each($2::jsonb) AS e
       ON CONFLICT (workspace, key) DO UPDATE SET record = excluded.record`,
      [workspace, JSON.stringify(changed)],
    );
  }

  private remember(snapshot: StateSnapshot): void {
    const records = new Map(Object.entries(snapshot.objects).map(([key, record]) => [key, stringifySorted(record)]));
    this.cache = { lineage: snapshot.lineage, serial: snapshot.serial, records };
  }

  private toSnapshot(row: WorkspaceRow): StateSnapshot {
    if (row.format_version !== 1) {
      throw new ConvergeError('TERMINAL', 'STATE_FORMAT_UNSUPPORTED', `PostgreSQL ${this.ctx.where}: workspace ${this.ctx.workspace} has formatVersion ${row.format_version}; this converge reads version 1`, {
        database: this.ctx.where,
        workspace: this.ctx.workspace,
      });
    }
    return {
      formatVersion: 1,
      lineage: row.lineage,
      serial: Number(row.serial),
      owner: row.owner,
      objects: row.objects,
      ...(row.last_applied ? { lastApplied: row.last_applied } : {}),
    };
  }

  private checkExpected(snapshot: StateSnapshot, stored: { lineage: string; serial: number } | undefined, expectedSerial: number): void {
    if (stored !== undefined && stored.lineage !== snapshot.lineage) {
      throw new ConvergeError(
        'CONFLICT',
        'STATE_LINEAGE_MISMATCH',
        `state ${this.ctx.where} workspace ${this.ctx.workspace} has lineage ${stored.lineage}, but the snapshot being written has lineage ${snapshot.lineage}; it belongs to another state`,
        { database: this.ctx.where, workspace: this.ctx.workspace, storedLineage: stored.lineage, lineage: snapshot.lineage },
      );
    }
    if ((stored?.serial ?? 0) !== expectedSerial) throw this.serialConflict(expectedSerial, stored?.serial ?? 0);
  }

  private serialConflict(expectedSerial: number, storedSerial: number | undefined): ConvergeError {
    return new ConvergeError(
      'CONFLICT',
      'STATE_SERIAL_CONFLICT',
      `state ${this.ctx.where} workspace ${this.ctx.workspace} is at serial ${storedSerial ?? 'unknown'}, but this write expected serial ${expectedSerial}; someone else wrote it meanwhile`,
      { database: this.ctx.where, workspace: this.ctx.workspace, storedSerial: storedSerial ?? null, expectedSerial },
    );
  }
}
