/**
 * PgConnection is the store's way to PostgreSQL: a small node-postgres Pool (TCP keepalive on,
 * idle connections never keeping the process alive), opened on first use. node-postgres itself
 * is loaded only then, so a file-state run never pays for it.
 *
 * For sslmode allow/prefer the first connection decides the transport for the pool's life (libpq
 * decides per connection; a server changing its TLS setup during one run is not followed).
 * Every failure leaves as a typed ConvergeError (pg-errors.ts) naming the database, not the password.
 */
import type { ClientConfig, Pool, PoolClient, QueryResultRow } from 'pg';
import { passfilePassword } from './pg-passfile.js';
import { isTlsFailure, pgError } from './pg-errors.js';
import { describePg, type PgSettings } from './pg-settings.js';
import { tlsPlan, type TlsPlan, type Transport } from './pg-tls.js';

/** Querier runs one statement and returns its rows. */
export type Querier = <R extends QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

/** PgConnectionOptions: `max` connections (default 4); queryTimeoutMs bounds one statement client-side (default 30 s). */
export interface PgConnectionOptions {
  max?: number;
  queryTimeoutMs?: number;
}

export class PgConnection {
  /** description names the database for messages (describePg): no password. */
  readonly description: string;
  private pool: Promise<Pool> | undefined;
  private closed = false;

  constructor(
    private readonly settings: PgSettings,
    private readonly options: PgConnectionOptions = {},
  ) {
    this.description = describePg(settings);
  }

  /** query runs one statement in its own implicit transaction. */
  async query<R extends QueryResultRow>(action: string, text: string, values: unknown[] = []): Promise<R[]> {
    const pool = await this.open();
    try {
      return (await pool.query<R>(text, values)).rows;
    } catch (error) {
      throw pgError(error, this.description, action);
    }
  }

  /**
   * transaction runs `fn` between BEGIN and COMMIT on one connection, rolling back if it throws.
   * Errors thrown by `fn` itself (e.g. a serial conflict it detected) pass through unchanged.
   */
  async transaction<T>(action: string, fn: (query: Querier) => Promise<T>): Promise<T> {
    const pool = await this.open();
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw pgError(error, this.description, action);
    }
    const query: Querier = async (text, values = []) => (await client.query(text, values)).rows;
    try {
      await query('BEGIN');
      const result = await fn(query);
      await query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      // A failed ROLLBACK means the connection is broken: destroy it rather than reuse it.
      const broken = await query('ROLLBACK').then(() => false, () => true);
      client.release(broken);
      throw pgError(error, this.description, action);
    }
  }

  /** close ends every connection; later calls fail. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.then((p) => p.end(), () => undefined);
  }

  private open(): Promise<Pool> {
    if (this.closed) return Promise.reject(pgError(new Error('the store was closed'), this.description, 'connecting'));
    this.pool ??= this.createPool().catch((error: unknown) => {
      this.pool = undefined; // let the next call try again (the server may be back)
      throw pgError(error, this.description, 'connecting');
    });
    return this.pool;
  }

  private async createPool(): Promise<Pool> {
    const { default: pg } = await import('pg');
    const transport = await this.chooseTransport(tlsPlan(this.settings), (config) => new pg.Client(config));
    const pool = new pg.Pool({
      ...this.clientConfig(transport),
      max: this.options.max ?? 4,
      idleTimeoutMillis: 10_000,
      allowExitOnIdle: true,
    });
    pool.on('error', () => undefined); // an idle connection dropped: the next query opens another
    return pool;
  }

  /** chooseTransport tries the plan's first transport and falls back as sslmode allow/prefer say. */
  private async chooseTransport(plan: TlsPlan, client: (config: ClientConfig) => { connect(): Promise<unknown>; end(): Promise<unknown> }): Promise<Transport> {
    if (plan.fallback === undefined) return plan.first;
    const probe = client(this.clientConfig(plan.first));
    try {
      await probe.connect();
      await probe.end();
      return plan.first;
    } catch (error) {
      await probe.end().catch(() => undefined);
      if (turnedDown(error, plan.fallback.when)) return plan.fallback.transport;
      throw error;
    }
  }

  private clientConfig(transport: Transport): ClientConfig {
    const s = this.settings;
    return {
      host: s.host,
      port: s.port,
      user: s.user,
      database: s.database,
      // A function, so the password file is read only if the server asks for a password; none
      // found leaves it undefined, which fails as "no password" rather than as a wrong one.
      password: (async () => s.password ?? (await passfilePassword(s))) as () => Promise<string>,
      ssl: transport,
      ...(transport !== false && { sslnegotiation: s.sslnegotiation }),
      application_name: s.applicationName,
      connectionTimeoutMillis: s.connectTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      query_timeout: this.options.queryTimeoutMs ?? 30_000,
    };
  }
}

/** turnedDown: the server refused the first transport in the way the fallback is for. */
function turnedDown(error: unknown, when: 'server-has-no-tls' | 'server-requires-tls'): boolean {
  const e = error as { code?: string; message?: string };
  const message = e.message ?? '';
  if (when === 'server-has-no-tls') return /does not support SSL/i.test(message) || isTlsFailure(e.code, message);
  return e.code === '28000' && /no encryption|SSL off/i.test(message);
}
