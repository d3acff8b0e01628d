/**
 * Crash safety on PlanetLab (DESIGN §5): `converge reconcile` is killed with SIGKILL at random
 * moments while it creates 20 slices (each: AddSlice, then its node, person and tag) on a PLC
 * simulator that keeps running in its own process (`converge sim planetlab`), with about 20% of
 * PLC calls failing transiently (half dropped before running, half run with the reply lost).
 * Ten trials, then a clean run: converged, no duplicate, no orphan, every slice as described.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XmlRpcClient } from '../../src/xmlrpc/client.js';
import { reportOf, runCli, startCli } from '../helpers/cli.js';
import { backendYaml, liveSlices, markedKeys, plcDump, sliceYaml, writeManifests } from '../helpers/planetlab.js';

const COUNT = 20;
const TRIALS = 10;
const FAULTS = JSON.stringify([
  { method: '*', mode: 'drop', fraction: 0.1 },
  { method: '*', mode: 'lose-reply', fraction: 0.1 },
]);

function slices(variant: number): string {
  const vref = variant % 2 === 0 ? 'f33' : 'f12';
  return Array.from({ length: COUNT }, (_, i) =>
    sliceYaml(`s${i}`, `princeton_k${i}`, { nodes: ['node1.princeton.test'], persons: ['pi@princeton.test'], tags: `{vref: ${vref}}` }),
  ).join('---\n');
}

/** startSim runs `converge sim planetlab` with the faults and resolves with PLC's URL. */
async function startSim(persist: string): Promise<{ process: ReturnType<typeof startCli>; url: string }> {
  const sim = startCli(['sim', 'planetlab', '--port', '0', '--json', '--persist', persist, '--latency', '20'], { env: { CONVERGE_SIM_FAULTS: FAULTS, CONVERGE_SIM_SEED: '7' } });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    sim.stdout!.on('data', (c: Buffer) => {
      text += c.toString();
      const m = /"url":"([^"]+)"/.exec(text);
      if (m) resolve(m[1]!);
    });
    sim.on('close', () => reject(new Error(`simulator exited: ${text}`)));
  });
  return { process: sim, url };
}

describe('SIGKILL during a PlanetLab reconcile, with transient PLC faults', () => {
  let sim: ReturnType<typeof startCli>;
  let url = '';
  let persist = '';
  let dir = '';

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'converge-pl-kill-'));
    persist = join(root, 'plc.json');
    ({ process: sim, url } = await startSim(persist));
    const control = new XmlRpcClient({ url });
    await control.call('converge.sim.plc.setSite', ['princeton', { max_slices: 100 }]);
    control.close();
    dir = await writeManifests({ 'backend.yaml': backendYaml(url, '  limits: {concurrency: 4}\n'), 'slices.yaml': slices(0) });
  });

  afterAll(async () => {
    sim.kill('SIGTERM');
    await sim.result;
  });

  it('ends converged with no duplicate and no orphan slice after 10 killed runs', async () => {
    let killedMidway = 0;
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const run = startCli(['reconcile', dir, '--json']);
      await new Promise((r) => setTimeout(r, 400 + Math.floor(Math.random() * 1200)));
      if (run.exitCode === null) {
        run.kill('SIGKILL');
        killedMidway += 1;
      }
      await run.result;
      // Later trials change a tag, so kills land in updates as well as in creates.
      await writeManifests({ 'slices.yaml': slices(trial + 1) }, dir);
    }
    expect(killedMidway).toBeGreaterThan(0);
    await writeManifests({ 'slices.yaml': slices(0) }, dir);

    const final = await runCli(['reconcile', dir, '--json', '--wait', '2m']);
    expect(final.code, final.stdout.slice(-2000)).toBe(0);
    const noop = await runCli(['reconcile', dir, '--json']);
    expect(reportOf(noop.stdout).mutatingCalls).toBe(0);

    // Ground truth: the simulator's own rows (its clock is real time here: nothing advances it).
    const rows = await plcDump(url);
    const live = liveSlices(rows, Date.now());
    const keys = markedKeys(rows, Date.now());
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(Array.from({ length: COUNT }, (_, i) => `Slice/s${i}`).sort());
    expect(live).toHaveLength(COUNT);
    for (const slice of live) {
      expect(slice.node_ids, slice.name).toEqual([1]);
      expect(slice.person_ids, slice.name).toEqual([3]);
      const tags = rows.sliceTags.filter((t) => t.slice_id === slice.slice_id && t.tagname === 'vref').map((t) => t.value);
      expect(tags, slice.name).toEqual(['f33']);
    }
  }, 240_000);
});
