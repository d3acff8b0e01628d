/**
 * What the real IM showed (apis/im.md §g): a CreateInfrastructure of 80 VMs lasts seconds, and
 * while it runs the infrastructure is listed with a partial, growing VM list; changes that overlap
 * a running one corrupt it. Against `converge sim im` in its own process (which completes what it
 * received), converge creates 3 infrastructures of 80 VMs per trial: kill trials SIGKILL the run
 * at random moments across the creates (10 kills in all: during the creates, then during reruns
 * that find them half made), a timeout trial gives mutating calls less time than a create takes.
 * After each trial's rerun: one infrastructure per key, exact VM counts, no marked infrastructure
 * state does not know, and the simulator saw no change sent to an infrastructure while it was
 * being created or changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImSimulator } from '../../src/backends/im/sim/index.js';
import { XmlRpcClient } from '../../src/xmlrpc/client.js';
import { runCli, startCli, startSimProcess } from '../helpers/cli.js';
import { liveInfrastructures } from '../helpers/im-sim-state.js';

const VMS = 80;
/** KILLS_PER_TRIAL: 10 kills in all, each trial a fresh set of 3 creates of 80 VMs. */
const KILLS_PER_TRIAL = [4, 3, 3];
const TIMEOUT_TRIALS = 1;

async function writeManifests(dir: string, url: string, names: string[], mutateTimeout: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'im-auth.dat'), 'id = im; type = InfrastructureManager; username = slow; password = slow-test-pw\nid = dummy; type = Dummy\n');
  const docs = [`apiVersion: converge/v1\nkind: Backend\nmetadata: {name: im}\nspec: {type: im, url: "${url}", credentials: {fromFile: im-auth.dat}, timeouts: {mutate: ${mutateTimeout}, settle: 2s}}`];
  for (const name of names) {
    docs.push(
      `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: ${name}}\nspec:\n  backend: im\n  networks: [{name: net}]\n` +
        `  systems: [{name: node, cpu: 1, memory: 512Mi, image: "mock0://img", interfaces: [net]}]\n  deploy: {node: ${VMS}}`,
    );
  }
  await writeFile(join(dir, 'infra.yaml'), docs.join('\n---\n'));
}

/** killDuringCreate starts a reconcile and SIGKILLs it at a random moment after its first create begins. */
async function killDuringCreate(dir: string, windowMs: number): Promise<void> {
  const run = startCli(['reconcile', dir, '--json']);
  await new Promise<void>((resolve) => {
    let text = '';
    run.stdout!.on('data', (c: Buffer) => {
      text += c.toString();
      if (/"type":"(action-start|waiting)"/.test(text)) resolve();
    });
    run.on('close', () => resolve());
  });
  await new Promise((r) => setTimeout(r, Math.floor(Math.random() * windowMs)));
  run.kill('SIGKILL');
  await run.result;
}

describe('IM creates that last seconds', () => {
  let sim: Awaited<ReturnType<typeof startSimProcess>>['process'];
  let url = '';
  let persist = '';
  let dir = '';

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'converge-im-slow-'));
    persist = join(root, 'sim.json');
    dir = join(root, 'manifests');
    // 25 ms per VM: a create of 80 VMs lasts about 2.1 s on the simulator's clock.
    ({ process: sim, url } = await startSimProcess('im', ['--persist', persist, '--create-ms-per-vm', '25']));
  });

  afterAll(async () => {
    sim.kill('SIGTERM');
    await sim.result;
  });

  it('leaves one infrastructure per key with exact VM counts after kills and timed-out creates', async () => {
    for (let trial = 0; trial < KILLS_PER_TRIAL.length + TIMEOUT_TRIALS; trial += 1) {
      const names = [0, 1, 2].map((i) => `t${trial}-big-${i}`);
      const kills = KILLS_PER_TRIAL[trial] ?? 0;
      await writeManifests(dir, url, names, kills > 0 ? '10m' : '700ms');
      // The first kill lands anywhere in the creates; later ones in the reruns that find them half made.
      for (let k = 0; k < kills; k += 1) await killDuringCreate(dir, k === 0 ? 2200 : 1200);
      const rerun = await runCli(['reconcile', dir, '--json', '--wait', '60s']);
      expect(rerun.stderr, `trial ${trial}: exit ${rerun.code} signal ${rerun.signal}`).toBe("");
      expect(rerun.code, `trial ${trial}: ${rerun.stdout.slice(-2000)}`).toBe(0);
      await expectTruth(names, trial);
    }
  }, 300_000);

  async function expectTruth(names: string[], trial: number): Promise<void> {
    const live = liveInfrastructures(new ImSimulator({ persistPath: persist }).dump()).filter((i) => i.key !== undefined);
    const keys = live.map((i) => i.key!);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i), `trial ${trial}: keys held twice`).toEqual([]);
    for (const name of names) {
      const infra = live.find((i) => i.key === `Infrastructure/${name}`);
      expect(infra?.vms.length, `trial ${trial}: ${name}`).toBe(VMS);
    }
    const state = JSON.parse(await readFile(join(dir, '.converge', 'state.json'), 'utf8')) as { objects: Record<string, { ids: { infId?: string } }> };
    const known = new Set(Object.values(state.objects).map((o) => o.ids.infId));
    expect(live.filter((i) => !known.has(i.id)).map((i) => i.key), `trial ${trial}: marked infrastructures state does not know`).toEqual([]);
    const client = new XmlRpcClient({ url });
    try {
      expect(await client.call('converge.sim.im.overlaps', []), `trial ${trial}: changes sent while one was running`).toEqual([]);
    } finally {
      client.close();
    }
  }
});
