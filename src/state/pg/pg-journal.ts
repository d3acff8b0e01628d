/**
 * PgJournal is the write-ahead journal as rows of `<schema>.journal`, one per intent, its whole
 * Intent in a jsonb column. `begin`, `resolve`, `settle` and `compact` are each one fenced
 * statement (its own transaction): `begin` returns only after its row is committed, so the caller
 * makes its mutating call only after the intent is durable. Status changes apply the same rules
 * as the file journal's replay (journal-entry.ts), written as jsonb updates, so both stores give
 * identical answers to `unsettled` and `recent`.
 */
import { newIntentId } from '../intent-id.js';
import type { Intent, Journal } from '../types.js';
import type { PgContext } from './pg-context.js';
import { fenceCte, tokenOf } from './pg-fence.js';

type ResolveResult = Parameters<Journal['resolve']>[1];

/**
 * RESOLVE_SET and SETTLE_SET are the jsonb updates of `resolve` and `settle`, shared with the
 * sharded journal: $4 is resolve's patch; settle takes $4 note, $5 the status an open intent
 * becomes, $6 the time, $7 the outcome (or NULL).
 */
export const RESOLVE_SET = 'intent = intent || $4::jsonb';
export const SETTLE_SET = `intent = intent
          || jsonb_build_object(
               'status', CASE WHEN intent->>'status' = 'open' THEN $5::text ELSE intent->>'status' END,
               'endedAt', coalesce(intent->'endedAt', to_jsonb($6::text)),
               'note', $4::text,
               'settledAt', $6::text)
          || CASE WHEN $7::jsonb IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('outcome', coalesce(intent->'outcome', '{}'::jsonb) || $7::jsonb) END`;

export class PgJournal implements Journal {
  constructor(
    private readonly ctx: PgContext,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async begin(intent: Omit<Intent, 'id' | 'status' | 'startedAt'>): Promise<Intent> {
    const startedAt = this.now();
    const begun: Intent = { ...intent, id: newIntentId(startedAt.getTime()), status: 'open', startedAt: startedAt.toISOString() };
    await this.fenced('recording an intent', (s) => `INSERT INTO ${s}.journal (workspace, id, intent) SELECT $1, $3, $4::jsonb FROM fence`, [begun.id, JSON.stringify(begun)]);
    return begun;
  }

  /** resolve: the intent takes the call's status, end time, and outcome or error when given. */
  async resolve(id: string, result: ResolveResult): Promise<void> {
    const patch = { status: result.status, endedAt: this.now().toISOString(), ...(result.outcome && { outcome: result.outcome }), ...(result.error && { error: result.error }) };
    await this.fenced('resolving an intent', (s) => `UPDATE ${s}.journal SET ${RESOLVE_SET} WHERE workspace = $1 AND id = $3 AND EXISTS (SELECT 1 FROM fence)`, [id, JSON.stringify(patch)]);
  }

  /** settle: see Journal.settle; the same rule as journal-entry.ts `settled`. */
  async settle(id: string, note: string, outcome?: Record<string, unknown>): Promise<void> {
    const at = this.now().toISOString();
    await this.fenced(
      'settling an intent',
      (s) => `UPDATE ${s}.journal SET ${SETTLE_SET} WHERE workspace = $1 AND id = $3 AND EXISTS (SELECT 1 FROM fence)`,
      [id, note, outcome ? 'done' : 'unknown', at, outcome ? JSON.stringify(outcome) : null],
    );
  }

  async unsettled(): Promise<Intent[]> {
    return this.select('reading unsettled intents', 'AND unsettled');
  }

  async recent(): Promise<Intent[]> {
    return this.select('reading the journal', '');
  }

  /** compact deletes every intent that is not unsettled (see Journal). */
  async compact(): Promise<void> {
    await this.fenced('compacting the journal', (s) => `DELETE FROM ${s}.journal WHERE workspace = $1 AND NOT unsettled AND EXISTS (SELECT 1 FROM fence)`, []);
  }

  private async select(action: string, filter: string): Promise<Intent[]> {
    await this.ctx.ready();
    const rows = await this.ctx.connection.query<{ intent: Intent }>(action, `SELECT intent FROM ${this.ctx.s}.journal WHERE workspace = $1 ${filter} ORDER BY seq`, [this.ctx.workspace]);
    return rows.map((row) => row.intent);
  }

  /** fenced runs one data-modifying statement (which selects FROM fence) only while our lease holds. */
  private async fenced(action: string, statement: (s: string) => string, values: unknown[]): Promise<void> {
    await this.ctx.ready();
    const token = tokenOf(this.ctx.fence(), this.ctx.where, this.ctx.workspace);
    const [row] = await this.ctx.connection.query<{ fenced: boolean }>(
      action,
      `WITH ${fenceCte(this.ctx.s)}, change AS (${statement(this.ctx.s)} RETURNING 1) SELECT EXISTS (SELECT 1 FROM fence) AS fenced`,
      [this.ctx.workspace, token, ...values],
    );
    if (!row?.fenced) this.ctx.lost(token);
  }
}
