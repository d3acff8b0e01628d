/**
 * A throw-away PostgreSQL for benchmarks, started as test/helpers/postgres.ts starts the tests'
 * (Debian's server programs, initdb into a temp directory as the `postgres` user when run as
 * root, pg_ctl on a free loopback port) but plainer: no TLS, trust authentication on the
 * loopback address, durable commits (the default a real server has). scripts/ensure-postgres.sh
 * installs the programs.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** BenchCluster is a running cluster: `url(schema)` reaches it; `stop` ends it and removes its files. */
export interface BenchCluster {
  url(schema: string): string;
  /** statements runs `during` with every statement logged and returns how many the server ran meanwhile. */
  statements(during: () => Promise<void>): Promise<number>;
  /** query runs one SQL statement with psql and returns its unaligned, tuples-only output. */
  query(sql: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startBenchCluster(): Promise<BenchCluster> {
  const bin = await serverBin();
  const dir = await mkdtemp(join(tmpdir(), 'converge-bench-pg-'));
  const asPostgres = process.getuid?.() === 0 ? await postgresUser(dir) : (file: string, args: string[]) => run(file, args, { timeout: 120_000 });
  const data = join(dir, 'data');
  await asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const port = await freePort();
  await asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`, '-w', 'start']);
  const url = (schema: string) => `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable&schema=${schema}`;
  return {
    url,
    query: async (sql) => (await run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-tAc', sql])).stdout.trim(),
    statements: async (during) => {
      const psql = (sql: string) => run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-tAc', sql]);
      const log = join(dir, 'server.log');
      await psql("ALTER SYSTEM SET log_statement = 'all'");
      await psql('SELECT pg_reload_conf()');
      await sleep(200);
      const from = (await stat(log)).size;
      await during();
      const text = (await readFile(log)).subarray(from).toString();
      await psql('ALTER SYSTEM RESET log_statement');
      await psql('SELECT pg_reload_conf()');
      return text.split('\n').filter((line) => /LOG: {2}(execute [^:]*|statement): /.test(line) && !line.includes('pg_reload_conf') && !line.includes('ALTER SYSTEM')).length;
    },
    stop: async () => {
      await asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function serverBin(): Promise<string> {
  const versions = existsSync('/usr/lib/postgresql') ? await readdir('/usr/lib/postgresql') : [];
  const dir = versions.sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`).find((d) => existsSync(join(d, 'pg_ctl')));
  if (!dir) throw new Error('PostgreSQL server programs not found: run scripts/ensure-postgres.sh');
  return dir;
}

async function postgresUser(dir: string): Promise<(file: string, args: string[]) => Promise<unknown>> {
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  await chown(dir, uid, gid);
  return (file, args) => run('runuser', ['-u', 'postgres', '--', file, ...args], { timeout: 120_000, cwd: dir });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
