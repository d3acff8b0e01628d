/**
 * Crash safety (DESIGN §5): `converge reconcile` is killed with SIGKILL at random moments while
 * it creates 20 infrastructures on an IM simulator that keeps running (a separate
 * `converge sim im` process, so calls in flight complete on the server after the client died).
 * Ten trials, then a clean run: everything converged, no duplicate, no orphan.
 *
 * A kill that lands after an intent is journaled and before its call leaves the process leaves
 * an AddResource or RemoveResource that IM never saw; IM shows no sign of a call still launching
 * VMs, so the next run waits for it until the backend's mutate timeout (10 min by default) before
 * planning from what is live. The manifests set 30 s so that such a trial fits the test's time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImSimulator } from '../../src/backends/im/sim/index.js';
import { reportOf, runCli, startCli, startSimProcess } from '../helpers/cli.js';
import { liveInfrastructures } from '../helpers/im-sim-state.js';

const COUNT = 20;
const TRIALS = 10;

async function writeManifests(dir: string, url: string, variant = 0): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'im-auth.dat'), 'id = im; type = InfrastructureManager; username = crash; password = crash-test-pw\nid = dummy; type = Dummy\n');
  const docs = [`apiVersion: converge/v1\nkind: Backend\nmetadata: {name: im}\nspec: {type: im, url: "${url}", credentials: {fromFile: im-auth.dat}, limits: {concurrency: 4}, timeouts: {mutate: 30s}}`];
  for (let i = 0; i < COUNT; i += 1) {
    docs.push(
      `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: infra-${i}}\nspec:\n  backend: im\n  networks: [{name: net}]\n` +
        `  systems: [{name: node, cpu: 1, memory: 512Mi, image: "mock0://img", interfaces: [net]}]\n  deploy: {node: ${1 + ((i + variant) % 3)}}`,
    );
  }
  await writeFile(join(dir, 'infra.yaml'), docs.join('\n---\n'));
}

describe('SIGKILL during reconcile', () => {
  let sim: ReturnType<typeof startCli>;
  let url = '';
  let persist = '';
  let dir = '';

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'converge-kill-'));
    persist = join(root, 'sim.json');
    dir = join(root, 'manifests');
    ({ process: sim, url } = await startSimProcess('im', ['--persist', persist, '--latency', '40']));
    await writeManifests(dir, url);
  });

  afterAll(async () => {
    sim.kill('SIGTERM');
    await sim.result;
  });

  it('ends converged with no duplicate and no orphan infrastructure after 10 killed runs', async () => {
    let killedMidway = 0;
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const run = startCli(['reconcile', dir, '--json']);
      const delay = 300 + Math.floor(Math.random() * 1500);
      await new Promise((r) => setTimeout(r, delay));
      if (run.exitCode === null) {
        run.kill('SIGKILL');
        killedMidway += 1;
      }
      await run.result;
      // Every trial after the first changes the desired VM counts, so kills land in
      // AddResource/RemoveResource as well as in CreateInfrastructure.
      await writeManifests(dir, url, trial + 1);
    }
    expect(killedMidway).toBeGreaterThan(0);
    await writeManifests(dir, url, 0);

    const final = await runCli(['reconcile', dir, '--json']);
    expect(final.stderr).toBe('');
    expect(final.code).toBe(0);
    const noop = await runCli(['reconcile', dir, '--json']);
    expect(reportOf(noop.stdout).mutatingCalls).toBe(0);

    // Ground truth from the simulator's own state (saved before every reply).
    const live = liveInfrastructures(new ImSimulator({ persistPath: persist }).dump());
    const keys = live.map((i) => i.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(Array.from({ length: COUNT }, (_, i) => `Infrastructure/infra-${i}`).sort());
    for (const infra of live) {
      const i = Number(infra.key!.split('-')[1]);
      expect(infra.vms.length, infra.key).toBe(1 + (i % 3));
    }
  }, 240_000);
});
