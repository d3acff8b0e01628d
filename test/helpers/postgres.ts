/**
 * A real, throw-away PostgreSQL for tests. `startCluster` runs Debian's server programs
 * (/usr/lib/postgresql/<version>/bin; scripts/ensure-postgres.sh installs them when missing):
 * initdb into a temp directory as the `postgres` system user when we are root (initdb refuses
 * root), then pg_ctl on a free loopback port and a Unix socket in that directory, with TLS on
 * (a CA and a server certificate for `localhost` made with openssl) and password authentication
 * over TCP. `stop` ends it and removes the directory.
 *
 * This file is also vitest's globalSetup: one shared cluster per test run, handed to test files
 * through `provide('postgres', …)`; each test uses its own schema (`pgUrl`). Tests that stop
 * PostgreSQL start a dedicated cluster of their own with `startCluster`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..', '..');

/** PostgresInfo is what tests need to reach a cluster (serializable, for provide/inject). */
export interface PostgresInfo {
  host: string;
  port: number;
  socketDir: string;
  /** password of the `postgres` superuser over TCP (the socket trusts local users). */
  password: string;
  /** caFile is the CA that signed the server certificate (CN and SAN `localhost`). */
  caFile: string;
  dataDir: string;
}

/** PgCluster is a running cluster this process started. */
export interface PgCluster extends PostgresInfo {
  /** stop ends the server at once and removes its directory. */
  stop(): Promise<void>;
  /** crash stops the server at once (immediate mode), keeping its data; `restart` starts it again on the same port. */
  crash(): Promise<void>;
  restart(): Promise<void>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresInfo | { error: string };
  }
}

/** serverBinDir finds the newest installed PostgreSQL's server programs, installing them if missing. */
export async function serverBinDir(): Promise<string> {
  const find = async (): Promise<string | undefined> => {
    const versions = existsSync('/usr/lib/postgresql') ? await readdir('/usr/lib/postgresql') : [];
    const dirs = versions.sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`);
    return dirs.find((dir) => existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'initdb')));
  };
  const found = await find();
  if (found) return found;
  await run('bash', [join(ROOT, 'scripts', 'ensure-postgres.sh')], { timeout: 600_000 });
  const installed = await find();
  if (!installed) throw new Error('PostgreSQL server programs not found after scripts/ensure-postgres.sh');
  return installed;
}

/**
 * startCluster initdb's and starts a fresh cluster (see the file comment). Commits return before
 * their WAL is flushed (synchronous_commit off: quick tests) unless `durable`, which tests that
 * crash the server need: converge relies on the default, durable commits.
 */
export async function startCluster(options: { durable?: boolean } = {}): Promise<PgCluster> {
  const bin = await serverBinDir();
  const dir = await mkdtemp(join(tmpdir(), 'converge-pg-'));
  const asServer = await serverUser(dir);
  const dataDir = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  await writeFile(join(dir, 'pwfile'), `${password}\n`);
  await asServer.own(join(dir, 'pwfile'));
  await asServer.run(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--pwfile', join(dir, 'pwfile'), '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const caFile = await makeCertificates(dir, dataDir, asServer);
  const port = await freePort();
  const server = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c ssl=on -c fsync=off -c synchronous_commit=${options.durable ? 'on' : 'off'} -c full_page_writes=off -c max_connections=200`;
  const start = (): Promise<void> => asServer.run(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', join(dir, 'server.log'), '-o', server, '-w', '-t', '60', 'start']);
  const crash = (): Promise<void> => asServer.run(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
  await start();
  const info: PostgresInfo = { host: '127.0.0.1', port, socketDir: dir, password, caFile, dataDir };
  await adminQuery(info, `CREATE ROLE tlsonly LOGIN PASSWORD '${password}'`);
  return {
    ...info,
    crash,
    restart: start,
    stop: async () => {
      await crash().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** pgUrl is a URL to the shared (or given) cluster with a schema of its own, so tests never share rows. */
export function pgUrl(info: PostgresInfo, options: { schema?: string; params?: Record<string, string>; password?: string } = {}): string {
  const schema = options.schema ?? `t_${randomBytes(6).toString('hex')}`;
  const params = new URLSearchParams({ sslmode: 'disable', schema, ...options.params });
  return `postgresql://postgres:${encodeURIComponent(options.password ?? info.password)}@${info.host}:${info.port}/postgres?${params}`;
}

/** adminQuery runs one statement as the superuser over the Unix socket (database `postgres` unless given). */
export async function adminQuery<R extends Record<string, unknown>>(info: PostgresInfo, text: string, values: unknown[] = [], database = 'postgres'): Promise<R[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ host: info.socketDir, port: info.port, user: 'postgres', database });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** serverLog returns the cluster's log (for failure messages). */
export function serverLog(info: PostgresInfo): Promise<string> {
  return readFile(join(info.socketDir, 'server.log'), 'utf8').catch(() => '');
}

let shared: PgCluster | undefined;

/** setup (vitest globalSetup) starts the shared cluster; a failure is provided as an error for the tests that need it. */
export async function setup(project: TestProject): Promise<void> {
  try {
    shared = await startCluster();
    const { host, port, socketDir, password, caFile, dataDir } = shared;
    project.provide('postgres', { host, port, socketDir, password, caFile, dataDir });
  } catch (error) {
    project.provide('postgres', { error: `could not start PostgreSQL for the tests: ${(error as Error).message}` });
  }
}

/** teardown (vitest globalSetup) stops the shared cluster. */
export async function teardown(): Promise<void> {
  await shared?.stop();
  shared = undefined;
}

/** ServerUser runs the server programs as a user they accept: `postgres` when we are root. */
interface ServerUser {
  run(file: string, args: string[]): Promise<void>;
  own(path: string): Promise<void>;
}

async function serverUser(dir: string): Promise<ServerUser> {
  if (process.getuid?.() !== 0) {
    return { run: async (file, args) => void (await run(file, args, { timeout: 120_000 })), own: async () => undefined };
  }
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  await chown(dir, uid, gid);
  return {
    run: async (file, args) => void (await run('runuser', ['-u', 'postgres', '--', file, ...args], { timeout: 120_000, cwd: dir })),
    own: (path) => chown(path, uid, gid),
  };
}

/** makeCertificates makes a CA and a server certificate for localhost; returns the CA file. */
async function makeCertificates(dir: string, dataDir: string, asServer: ServerUser): Promise<string> {
  const ca = join(dir, 'ca');
  const openssl = (args: string[]): Promise<unknown> => run('openssl', args, { cwd: dir, timeout: 60_000 });
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', '/CN=converge test CA']);
  await openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dataDir, 'server.key'), '-out', join(dir, 'server.csr'), '-subj', '/CN=localhost']);
  await writeFile(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost\n');
  await openssl(['x509', '-req', '-in', join(dir, 'server.csr'), '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', join(dataDir, 'server.crt'), '-days', '2', '-extfile', join(dir, 'san.ext')]);
  await chmod(join(dataDir, 'server.key'), 0o600);
  await asServer.own(join(dataDir, 'server.key'));
  await asServer.own(join(dataDir, 'server.crt'));
  // A role that may only connect over TLS, for sslmode=allow (pg_hba takes the first matching line).
  const hba = await readFile(join(dataDir, 'pg_hba.conf'), 'utf8');
  await writeFile(join(dataDir, 'pg_hba.conf'), `hostssl all tlsonly 127.0.0.1/32 scram-sha-256\nhostnossl all tlsonly 127.0.0.1/32 reject\n${hba}`);
  return `${ca}.crt`;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}
