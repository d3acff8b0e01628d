/**
 * What only the PostgreSQL store has: migrations, writes that need the lease, fencing tokens,
 * authentication and TLS against a real server, and PostgreSQL going away mid-run.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ConvergeError } from '../../src/errors/converge-error.js';
import { createStateStore, type StateStoreWithTransfer } from '../../src/state/index.js';
import { PgConnection } from '../../src/state/pg/pg-connection.js';
import { resolvePgSettings } from '../../src/state/pg/pg-settings.js';
import { adminQuery, pgUrl, startCluster, type PostgresInfo } from '../helpers/postgres.js';
import { deadPid, tempDir } from './helpers.js';

const opened: Array<{ close?(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.all(opened.map((o) => o.close?.()));
});

function postgres(): PostgresInfo {
  const info = inject('postgres');
  if ('error' in info) throw new Error(info.error);
  return info as PostgresInfo;
}

function store(url: string, options: Omit<Parameters<typeof createStateStore>[0], 'url' | 'stateDir' | 'path'> = {}): StateStoreWithTransfer {
  const created = createStateStore({ url, ...options });
  opened.push(created);
  return created;
}

async function failure(promise: Promise<unknown>): Promise<ConvergeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConvergeError);
  return error as ConvergeError;
}

describe('PostgreSQL store: schema', () => {
  it('migrations started by several processes at once run once, and again are a no-op', async () => {
    const info = postgres();
    const url = pgUrl(info, { schema: 'racing_migrations' });
    await Promise.all(Array.from({ length: 5 }, () => store(url).read()));
    await store(url).read();
    const rows = await adminQuery<{ version: number }>(info, 'SELECT version FROM racing_migrations.schema_migrations');
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
    const tables = await adminQuery<{ table_name: string }>(info, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'racing_migrations' ORDER BY 1");
    expect(tables.map((t) => t.table_name)).toEqual(['fence_rejections', 'journal', 'leases', 'objects', 'replicas', 'schema_migrations', 'shard_leases', 'workspaces']);
  });

  it('refuses a schema migrated by a newer converge', async () => {
    const info = postgres();
    const url = pgUrl(info, { schema: 'from_the_future' });
    await store(url).read();
    await adminQuery(info, "INSERT INTO from_the_future.schema_migrations (version, name) VALUES (99, 'later')");
    expect(await failure(store(url).read())).toMatchObject({ kind: 'TERMINAL', code: 'STATE_SCHEMA_TOO_NEW' });
  });

  it('keeps workspaces apart in one schema', async () => {
    const url = pgUrl(postgres());
    const [a, b] = [store(url, { workspace: 'team-a' }), store(url, { workspace: 'team-b' })];
    const lock = await a.acquire({ timeoutMs: 0, command: 'a' });
    await a.write({ ...(await a.read()), owner: 'a' }, 0);
    expect(await b.isEmpty()).toBe(true);
    const other = await b.acquire({ timeoutMs: 0, command: 'b' }); // another workspace, another lease
    await Promise.all([lock.release(), other.release()]);
  });
});

describe('PostgreSQL store: leases and fencing', () => {
  it('writes need the lease: state and journal writes without one fail with STATE_LEASE_REQUIRED', async () => {
    const url = pgUrl(postgres());
    const s = store(url);
    expect(await failure(s.write(await s.read(), 0))).toMatchObject({ code: 'STATE_LEASE_REQUIRED' });
    expect(await failure(s.journal.begin({ key: 'K/a', backend: 'b', method: 'm', target: 't' }))).toMatchObject({ code: 'STATE_LEASE_REQUIRED' });
    const lock = await s.acquire({ timeoutMs: 0, command: 'c' });
    await lock.release();
    expect(await failure(s.write(await s.read(), 0))).toMatchObject({ code: 'STATE_LEASE_REQUIRED' }); // released: none again
  });

  it('each acquisition draws a larger fencing token; the lease lasts 15 s by the database clock', async () => {
    const url = pgUrl(postgres());
    const s = store(url);
    const tokens: number[] = [];
    for (let i = 0; i < 3; i++) {
      const lock = await s.acquire({ timeoutMs: 0, command: 'c' });
      tokens.push(lock.holder.fencingToken!);
      expect(Date.parse(lock.holder.expiresAt) - Date.parse(lock.holder.acquiredAt)).toBe(15_000);
      await lock.release();
    }
    expect(tokens[1]).toBeGreaterThan(tokens[0]!);
    expect(tokens[2]).toBeGreaterThan(tokens[1]!);
  });

  it('a lease held by a dead process of this host is taken over at once, before it expires', async () => {
    const info = postgres();
    const url = pgUrl(info, { schema: 'dead_holder' });
    const first = await store(url).acquire({ timeoutMs: 0, command: 'crashed run' });
    const dead = await deadPid();
    await adminQuery(info, "UPDATE dead_holder.leases SET holder_pid = $1, holder_pid_start = NULL, expires_at = now() + interval '1 hour'", [dead]);
    const stale: number[] = [];
    const taken = await store(url).acquire({ timeoutMs: 0, command: 'next run', onStaleTakeover: (holder) => stale.push(holder.pid) });
    expect(stale).toEqual([dead]);
    expect(taken.holder.fencingToken).toBeGreaterThan(first.holder.fencingToken!);
    await Promise.all([first.release(), taken.release()]);
  });

  it('a holder renews its lease by the database clock while it holds it', async () => {
    const url = pgUrl(postgres());
    const s = store(url, { lock: { ttlMs: 1_000, renewMs: 150 } });
    const lock = await s.acquire({ timeoutMs: 0, command: 'c' });
    const first = lock.holder.expiresAt;
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // longer than the ttl
    expect(lock.signal.aborted).toBe(false);
    expect(Date.parse(lock.holder.expiresAt)).toBeGreaterThan(Date.parse(first));
    expect((await store(url).inspect())?.heartbeatAt).toBe(lock.holder.heartbeatAt);
    await lock.release();
  });
});

describe('PostgreSQL store: authentication', () => {
  it('a wrong password fails UNAUTHORIZED naming host and database, never the password', async () => {
    const info = postgres();
    const url = pgUrl(info, { password: 'wrong-Pa55word-xyz' });
    const s = store(url);
    expect(s.description).not.toContain('wrong-Pa55word-xyz');
    const error = await failure(s.read());
    expect(error).toMatchObject({ kind: 'UNAUTHORIZED', code: 'STATE_DB_AUTH' });
    expect(error.message).toContain(`postgresql://postgres@127.0.0.1:${info.port}/postgres`);
    expect(error.message + JSON.stringify(error)).not.toContain('wrong-Pa55word-xyz');
  });

  it('takes the password from PGPASSWORD, a service file or the password file, and says when there is none', async () => {
    const info = postgres();
    const dir = await tempDir();
    const bare = `postgresql://postgres@127.0.0.1:${info.port}/postgres?sslmode=disable&schema=auth_sources`;
    const none = await failure(store(bare, { env: { HOME: dir } }).read());
    expect(none).toMatchObject({ kind: 'UNAUTHORIZED', code: 'STATE_DB_AUTH' });
    expect(none.message).toContain('~/.pgpass');

    await store(bare, { env: { HOME: dir, PGPASSWORD: info.password } }).read();
    await writeFile(join(dir, 'pgpass'), `127.0.0.1:${info.port}:*:postgres:${info.password}\n`, { mode: 0o600 });
    await chmod(join(dir, 'pgpass'), 0o600);
    await store(bare, { env: { HOME: dir, PGPASSFILE: join(dir, 'pgpass') } }).read();
    await writeFile(join(dir, 'services'), `[state]\nhost=127.0.0.1\nport=${info.port}\nuser=postgres\npassword=${info.password}\nsslmode=disable\n`);
    await store('postgresql:///postgres?schema=auth_sources', { env: { HOME: dir, PGSERVICEFILE: join(dir, 'services'), PGSERVICE: 'state' } }).read();
  });
});

describe('PostgreSQL store: TLS as sslmode says', () => {
  async function transport(query: string, user = 'postgres', home = '/nonexistent', host = '127.0.0.1'): Promise<boolean | ConvergeError> {
    const info = postgres();
    const url = `postgresql://${user}:${info.password}@${host}:${info.port}/postgres?${query}`;
    const connection = new PgConnection(resolvePgSettings(url, { HOME: home }));
    opened.push(connection);
    try {
      const [row] = await connection.query<{ ssl: boolean }>('checking TLS', 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      return row!.ssl;
    } catch (error) {
      return error as ConvergeError;
    }
  }

  it('disable is plain, prefer and require use TLS, allow uses TLS only when the server insists', async () => {
    expect(await transport('sslmode=disable')).toBe(false);
    expect(await transport('sslmode=prefer')).toBe(true);
    expect(await transport('sslmode=require')).toBe(true);
    expect(await transport('sslmode=allow')).toBe(false);
    expect(await transport('sslmode=allow', 'tlsonly')).toBe(true);
    expect(await transport('sslmode=disable', 'tlsonly')).toMatchObject({ kind: 'UNAUTHORIZED', code: 'STATE_DB_AUTH' });
  });

  it('verify-ca checks the chain; verify-full also the host name', async () => {
    const ca = `sslrootcert=${encodeURIComponent(postgres().caFile)}`;
    expect(await transport(`sslmode=verify-ca&${ca}`)).toBe(true);
    expect(await transport(`sslmode=verify-full&${ca}`, 'postgres', '/nonexistent', 'localhost')).toBe(true);
    const wrongName = await transport(`sslmode=verify-full&${ca}`); // the certificate names localhost, not 127.0.0.1
    expect(wrongName).toMatchObject({ kind: 'TERMINAL', code: 'STATE_DB_TLS' });
    expect(await transport('sslmode=verify-ca', 'postgres', await tempDir())) // no ~/.postgresql/root.crt.toMatchObject({ kind: 'INVALID', code: 'STATE_TLS_CONFIG' });
  });
});

describe('PostgreSQL store: the server goes away mid-run', () => {
  it('writes fail TRANSIENT, the holder stops before its lease expires, and after a restart the next run takes over', async () => {
    const cluster = await startCluster({ durable: true });
    try {
      const url = pgUrl(cluster);
      const holder = store(url, { lock: { ttlMs: 1_500, renewMs: 200 } });
      const lock = await holder.acquire({ timeoutMs: 0, command: 'converge reconcile' });
      await holder.write(await holder.read(), 0);
      await cluster.crash();
      const down = await failure(holder.write(await holder.read().catch(() => ({ formatVersion: 1 as const, lineage: 'x', serial: 1, owner: 'o', objects: {} })), 1));
      expect(down).toMatchObject({ kind: 'TRANSIENT', code: 'STATE_DB_UNAVAILABLE' });
      expect(down.message).not.toContain(cluster.password);
      const stopped = await new Promise<ConvergeError>((resolve) => lock.signal.addEventListener('abort', () => resolve(lock.signal.reason as ConvergeError)));
      expect(stopped.code).toBe('LEASE_LOST');
      await cluster.restart();
      const next = store(url, { lock: { pollMs: 100 } });
      const taken = await next.acquire({ timeoutMs: 10_000, command: 'next run' });
      expect(taken.holder.fencingToken).toBeGreaterThan(lock.holder.fencingToken!);
      expect(await failure(holder.journal.begin({ key: 'K/a', backend: 'b', method: 'm', target: 't' }))).toMatchObject({ code: 'LEASE_LOST' });
      await taken.release();
      await lock.release(); // best effort; never removes the new holder's row
    } finally {
      await cluster.stop();
    }
  });
});
