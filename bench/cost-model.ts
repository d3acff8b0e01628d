/**
 * The cost model's call counts (docs/PERFORMANCE.md, "Cost model"): for each backend, a create
 * pass and a no-op pass over a small N and a larger one, counted by the simulator (its call
 * log), so that calls per object (the slope) and calls per pass (the intercept) come from
 * counts rather than from reading the code; and the state file's bytes per object.
 *
 * IM, XenAPI and PlanetLab reuse their benchmark scenarios (harness.ts: each N in a fresh
 * process, the simulator in its own). Seattle and fedd run here with their simulators in
 * process (only calls and bytes are counted, not time): N VesselSets of one vessel, N fedd
 * experiments of one node on one testbed.
 *
 *   npm run build && node dist/bench/cost-model.js [--small 2] [--large 10]
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs } from './bench-args.js';
import { openWorkspace } from '../src/workspace/open-workspace.js';
import { converge } from '../src/engine/converge.js';
import { silentSink } from '../src/engine/events.js';
import { startSeattleSimulator, DEFAULT_ACCOUNT } from '../src/backends/seattle/sim/index.js';
import { startFeddSimulator } from '../src/backends/fedd/sim/index.js';
import type { SimKnobs } from '../src/xmlrpc/sim/knobs.js';
import { measureScenario } from './harness.js';
import { imScenario } from './im-bench.js';
import { xenScenario } from './xen-bench.js';
import { planetlabScenario } from './planetlab-bench.js';
import { totalCalls } from './harness-types.js';

const values = benchArgs(import.meta.url, { small: { type: 'string', default: '2' }, large: { type: 'string', default: '10' } });
const SMALL = Number(values.small);
const LARGE = Number(values.large);

/** Counted: one N's create and no-op calls (by method) and the state file's size. */
interface Counted {
  create: Record<string, number>;
  noop: Record<string, number>;
  stateBytes: number;
}

type Counter = (n: number) => Promise<Counted>;

const viaHarness =
  (scenario: typeof imScenario): Counter =>
  async (n) => {
    const r = await measureScenario(scenario, n, { latency: '0', concurrency: 16, simArgs: '' });
    return { create: r.create.calls, noop: r.noop.calls, stateBytes: r.stateBytes };
  };

/** inProcess runs both passes in this process against a simulator whose call log `knobs` holds. */
async function inProcess(dir: string, knobs: SimKnobs): Promise<Counted> {
  const pass = async () => {
    knobs.log.clear();
    const ws = await openWorkspace({ dir, sink: silentSink });
    try {
      const report = await converge(ws, { waitMs: 120_000, pollMs: 100, prune: () => false, globalLimit: 16, signal: new AbortController().signal, sink: silentSink, generator: 'bench' });
      if (report.outcome !== 'converged') throw new Error(`cost model: pass ended ${report.outcome}`);
      return knobs.log.countByMethod();
    } finally {
      await ws.close();
    }
  };
  const create = await pass();
  const noop = await pass();
  return { create, noop, stateBytes: (await stat(join(dir, '.converge', 'state.json'))).size };
}

const seattle: Counter = async (n) => {
  const running = await startSeattleSimulator({ port: 0, accounts: [{ ...DEFAULT_ACCOUNT, maxVessels: n + 10 }] });
  const dir = await mkdtemp(join(tmpdir(), 'converge-cost-seattle-'));
  try {
    await writeFile(join(dir, 'alice.txt'), `username = ${DEFAULT_ACCOUNT.username}\napi_key = ${DEFAULT_ACCOUNT.apiKey}\n`);
    const docs = [`apiVersion: converge/v1\nkind: Backend\nmetadata: {name: sea}\nspec: {type: seattle, url: "${running.url}", credentials: {fromFile: alice.txt}}`];
    for (let i = 0; i < n; i += 1) docs.push(`apiVersion: converge/v1\nkind: VesselSet\nmetadata: {name: bench-${i}}\nspec: {backend: sea, vessels: {wan: 1}}`);
    await writeFile(join(dir, 'bench.yaml'), docs.join('\n---\n'));
    return await inProcess(dir, running.sim.knobs);
  } finally {
    await running.close();
    await rm(dir, { recursive: true, force: true });
  }
};

const fedd: Counter = async (n) => {
  const running = await startFeddSimulator({ testbeds: ['deter'], policy: { startMs: 0, inputTimeoutMs: 20_000 } });
  const dir = await mkdtemp(join(tmpdir(), 'converge-cost-fedd-'));
  try {
    await writeFile(join(dir, 'converge.pem'), running.client.certPem);
    await writeFile(join(dir, 'converge.key'), running.client.keyPem);
    await writeFile(join(dir, 'ca.pem'), running.ca.certPem);
    await writeFile(join(dir, 'names.txt'), 'project:converge\nuser:bench\n');
    const url = running.url('deter');
    const docs = [
      `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: fedd}\nspec:\n  type: fedd\n  url: "${url}"\n  testbeds: [{name: deter, url: "${url}"}]\n` +
        `  identity: {certificate: {fromFile: converge.pem}, key: {fromFile: converge.key}}\n  credentials: {fromFile: names.txt}\n  tls: {caFile: ca.pem}`,
    ];
    for (let i = 0; i < n; i += 1) {
      docs.push(
        `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: bench-${i}}\nspec:\n  backend: fedd\n  networks: [{name: lan}]\n` +
          `  systems: [{name: node, cpu: 1, memory: 1Gi, image: Ubuntu1804-64-STD, testbed: deter, interfaces: [lan]}]\n  deploy: {node: 1}`,
      );
    }
    await writeFile(join(dir, 'bench.yaml'), docs.join('\n---\n'));
    return await inProcess(dir, running.sim.knobs('deter'));
  } finally {
    await running.close();
    await rm(dir, { recursive: true, force: true });
  }
};

const BACKENDS: Array<[string, string, Counter]> = [
  ['IM', 'infrastructure of 2 VMs', viaHarness(imScenario)],
  ['XenAPI', 'VM', viaHarness(xenScenario)],
  ['PlanetLab', 'slice (1 node, 1 person, 1 tag)', viaHarness(planetlabScenario)],
  ['Seattle', 'VesselSet of 1 vessel', seattle],
  ['fedd', 'experiment of 1 node', fedd],
];

function line(name: string, unit: string, a: Counted, b: Counted): string {
  const slope = (x: Record<string, number>, y: Record<string, number>) => (totalCalls(y) - totalCalls(x)) / (LARGE - SMALL);
  const fixed = (x: Record<string, number>, s: number) => totalCalls(x) - s * SMALL;
  const sc = slope(a.create, b.create);
  const sn = slope(a.noop, b.noop);
  const perMethod = (x: Record<string, number>, y: Record<string, number>) =>
    Object.keys({ ...x, ...y })
      .sort()
      .map((m) => [m, ((y[m] ?? 0) - (x[m] ?? 0)) / (LARGE - SMALL)] as const)
      .filter(([, v]) => v !== 0)
      .map(([m, v]) => `${m} ${Number(v.toFixed(2))}`)
      .join(', ');
  return [
    `| ${name} | ${unit} | ${sc.toFixed(2)} + ${fixed(a.create, sc).toFixed(0)} per pass | ${sn.toFixed(2)} + ${fixed(a.noop, sn).toFixed(0)} per pass | ${((b.stateBytes - a.stateBytes) / (LARGE - SMALL)).toFixed(0)} |`,
    `|  | per object, create: | ${perMethod(a.create, b.create)} | no-op: ${perMethod(a.noop, b.noop) || 'none'} | |`,
  ].join('\n');
}

async function main(): Promise<void> {
  console.log(`cost model — calls per object = slope between N = ${SMALL} and N = ${LARGE} (simulator call logs), 0 ms latency, concurrency 16, node ${process.version}`);
  console.log('| backend | object | create calls: per object + per pass | no-op calls: per object + per pass | state file bytes per object |');
  console.log('|---|---|---:|---:|---:|');
  for (const [name, unit, count] of BACKENDS) {
    const a = await count(SMALL);
    const b = await count(LARGE);
    console.log(line(name, unit, a, b));
  }
}

await main();
