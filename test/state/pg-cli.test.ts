/**
 * Two checkouts of the example manifests in two directories, sharing one PostgreSQL workspace
 * and the same backends (simulators running as their own processes, as real servers would):
 * what one applied, the other plans as no change; run at once, one reconciles and the other exits
 * 5 naming the holder; a reconcile SIGKILLed while it holds the lease, on what looks like another
 * machine, is taken over by the next run by itself once the lease expires (--lock-timeout 20s).
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT, editFile, jsonLines, runCli, startCli, startSimProcess } from '../helpers/cli.js';
import { adminQuery, pgUrl, type PostgresInfo } from '../helpers/postgres.js';

const SCHEMA = 'two_checkouts';
const sims: Array<ReturnType<typeof startCli>> = [];
let info: PostgresInfo;
let env: Record<string, string>;

/** checkout copies the examples to a new directory, pointing their backends at the shared simulators. */
async function checkout(urls: Record<string, string>): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'converge-checkout-')), 'manifests');
  await cp(join(ROOT, 'manifests'), dir, { recursive: true, filter: (src) => !src.includes('.converge') });
  const backend = /^( +)url: embedded.*$/m; // the spec line, not the comments that mention it
  await editFile(join(dir, 'backends.yaml'), backend, `$1url: ${urls.im}`);
  await editFile(join(dir, 'seattle.yaml'), backend, `$1url: ${urls.seattle}`);
  await editFile(join(dir, 'xen.yaml'), backend, `$1url: ${urls.xenapi}`);
  // PlanetLab and fedd examples run only on embedded simulators, one per checkout: not shared.
  await Promise.all(['planetlab.yaml', 'fedd.yaml'].map((f) => rm(join(dir, f), { force: true })));
  return dir;
}

/** setLatency sets a simulator's per-call latency through its `converge.sim.*` control surface. */
async function setLatency(url: string, ms: number): Promise<void> {
  const body = `<?xml version="1.0"?><methodCall><methodName>converge.sim.setLatency</methodName><params><param><value><int>${ms}</int></value></param></params></methodCall>`;
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  expect(response.status).toBe(200);
}

/** leaseHolderPid waits until the workspace lease row exists and returns its pid. */
async function leaseHolderPid(): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const rows = await adminQuery<{ holder_pid: number }>(info, `SELECT holder_pid FROM ${SCHEMA}.leases WHERE workspace = 'shared'`).catch(() => []);
    if (rows[0]) return rows[0].holder_pid;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no lease was taken');
}

describe('two checkouts sharing one PostgreSQL workspace', () => {
  const dirs: string[] = [];
  const urls: Record<string, string> = {};

  beforeAll(async () => {
    const provided = inject('postgres');
    if ('error' in provided) throw new Error(provided.error);
    info = provided as PostgresInfo;
    env = { CONVERGE_STATE: pgUrl(info, { schema: SCHEMA }), CONVERGE_WORKSPACE: 'shared' };
    await Promise.all(
      ['im', 'seattle', 'xenapi'].map(async (type) => {
        const sim = await startSimProcess(type, []);
        sims.push(sim.process);
        urls[type] = sim.url;
      }),
    );
    dirs.push(await checkout(urls), await checkout(urls));
  });

  afterAll(async () => {
    for (const sim of sims) sim.kill('SIGTERM');
    await Promise.all(sims.map((sim) => sim.result));
  });

  it('run at once, one reconciles and the other exits 5 naming it; then the other checkout plans no change', async () => {
    const [a, b] = dirs as [string, string];
    await setLatency(urls.im!, 3_000); // a slow IM keeps the first run inside its lease while the second starts
    const first = startCli(['reconcile', a, '--json'], { env });
    const holderPid = await leaseHolderPid();
    const second = await runCli(['reconcile', b], { env });
    await setLatency(urls.im!, 0);
    expect(second.code).toBe(5);
    expect(second.stderr).toContain(`pid ${holderPid} (converge reconcile ${a})`);
    expect(second.stderr).not.toContain(info.password);
    const done = await first.result;
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);

    const plan = await runCli(['plan', b], { env });
    expect(plan.stdout).toContain('No changes');
    expect(plan.code).toBe(0);
  });

  it('a SIGKILLed holder on another machine is taken over by the next run by itself within 20 s', async () => {
    const [a, b] = dirs as [string, string];
    for (const dir of dirs) await editFile(join(dir, 'web.yaml'), 'worker: 2', 'worker: 3');
    await setLatency(urls.im!, 3_000); // it is killed while it holds the lease, waiting on IM
    const killed = startCli(['reconcile', a, '--json'], { env });
    const pid = await leaseHolderPid();
    expect(pid).toBe(killed.pid);
    killed.kill('SIGKILL');
    await killed.result;
    await setLatency(urls.im!, 0);
    // As if it ran on another host and renewed just before it died: only expiry frees the lease.
    await adminQuery(info, `UPDATE ${SCHEMA}.leases SET holder_host = 'ci-runner-2.example', expires_at = now() + interval '3 seconds'`);

    const next = await runCli(['reconcile', b, '--json', '--lock-timeout', '20s'], { env });
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);
    expect(jsonLines(next.stdout).find((line) => line.type === 'lock-takeover')).toMatchObject({ holder: `root@ci-runner-2.example pid ${pid}` });
    const plan = await runCli(['plan', a], { env });
    expect(plan.stdout).toContain('No changes');
  });
});
