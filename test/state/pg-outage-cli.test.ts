/**
 * PostgreSQL stopped with `pg_ctl stop -m immediate` during a reconcile (state in PostgreSQL, an
 * IM simulator in its own process creating 12 infrastructures slowly), then started again: the
 * run ends with exit 1 and a clear message (or carries on and converges); the next run converges
 * with no duplicate and no orphan: every marked infrastructure is one state records, one per key.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImSimulator } from '../../src/backends/im/sim/index.js';
import { jsonLines, runCli, startCli, startSimProcess } from '../helpers/cli.js';
import { liveInfrastructures } from '../helpers/im-sim-state.js';
import { pgUrl, startCluster } from '../helpers/postgres.js';

const COUNT = 12;

async function writeManifests(dir: string, url: string): Promise<void> {
  await writeFile(join(dir, 'im-auth.dat'), 'id = im; type = InfrastructureManager; username = outage; password = outage-pw\nid = dummy; type = Dummy\n');
  const docs = [`apiVersion: converge/v1\nkind: Backend\nmetadata: {name: im}\nspec: {type: im, url: "${url}", credentials: {fromFile: im-auth.dat}, limits: {concurrency: 2}}`];
  for (let i = 0; i < COUNT; i += 1) {
    docs.push(
      `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: infra-${i}}\nspec:\n  backend: im\n  networks: [{name: net}]\n` +
        `  systems: [{name: node, cpu: 1, memory: 512Mi, image: "mock0://img", interfaces: [net]}]\n  deploy: {node: 4}`,
    );
  }
  await writeFile(join(dir, 'infra.yaml'), docs.join('\n---\n'));
}

describe('PostgreSQL stopped during a reconcile', () => {
  it('stops that run with a clear message or carries on; the next run converges with no duplicate and no orphan', async () => {
    const cluster = await startCluster({ durable: true });
    const root = await mkdtemp(join(tmpdir(), 'converge-pg-outage-'));
    const persist = join(root, 'sim.json');
    const { process: sim, url } = await startSimProcess('im', ['--persist', persist, '--latency', '150']);
    try {
      await writeManifests(root, url);
      const env = { CONVERGE_STATE: pgUrl(cluster, { schema: 'outage' }) };
      const run = startCli(['reconcile', root, '--json'], { env });
      await waitForOutput(run, /"type":"action-start"/);
      await cluster.crash();
      const ended = await run.result;
      await cluster.restart();
      if (ended.code !== 0) {
        expect(ended.code, ended.stdout).toBe(1);
        const errors = jsonLines(ended.stdout).filter((l) => l.type === 'error').map((l) => String(l.message));
        expect(errors.join('\n')).toMatch(/STATE_DB_UNAVAILABLE|LEASE_LOST/);
        expect(ended.stdout + ended.stderr).not.toContain(cluster.password);
      }

      const next = await runCli(['reconcile', root, '--json', '--lock-timeout', '30s'], { env });
      expect(next.code, next.stdout + next.stderr).toBe(0);
      const live = liveInfrastructures(new ImSimulator({ persistPath: persist }).dump());
      const keys = live.map((i) => i.key);
      expect(new Set(keys).size, 'one infrastructure per key').toBe(keys.length);
      expect(keys.sort()).toEqual(Array.from({ length: COUNT }, (_, i) => `Infrastructure/infra-${i}`).sort());
      const listed = jsonLines((await runCli(['state', 'list', '--dir', root, '--json'], { env })).stdout)[0] as { objects?: Array<{ ids: { infId?: string } }> } | undefined;
      const known = new Set((listed?.objects ?? []).map((o) => o.ids.infId));
      expect(live.filter((i) => !known.has(i.id)).map((i) => i.key), 'live infrastructures state does not know').toEqual([]);
    } finally {
      sim.kill('SIGTERM');
      await sim.result;
      await cluster.stop();
    }
  }, 120_000);
});

function waitForOutput(run: ReturnType<typeof startCli>, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    run.stdout!.on('data', (c: Buffer) => {
      text += c.toString();
      if (pattern.test(text)) resolve();
    });
    run.on('close', () => reject(new Error(`reconcile ended before ${pattern}: ${text}`)));
  });
}
