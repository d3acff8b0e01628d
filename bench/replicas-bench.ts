/**
 * State stores and watch replicas, on N IM infrastructures (one VM each; the IM simulator in its
 * own process, `converge sim im`, as a real server would be; PostgreSQL a throw-away cluster,
 * bench/pg-cluster.ts):
 *
 * 1. no-op `converge reconcile` (the CLI, as CI runs it) with the file store and with the
 *    PostgreSQL store: median wall time of three runs after the create, and the backend calls;
 * 2. `converge watch --sharded` with 1 and with 3 replicas (default 15 s / 5 s leases) on the
 *    PostgreSQL store: time from starting the processes until every resource is Ready on one of
 *    them, the shards each took, and what a quiet system costs: backend calls and database
 *    statements (the server's statement log) over a quiet window, per hour, plus one resync
 *    (SIGHUP) of every replica, with each replica's share (its /metrics), the shard balance, the
 *    PostgreSQL bytes per object, and, with 2 replicas or more, the takeover when one is killed
 *    (replica-figures.ts).
 *
 *   npm run build && node dist/bench/replicas-bench.js [--objects 1000] [--quiet 30] [--replicas 1,3] [--no-reconcile]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs } from './bench-args.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { XmlRpcClient } from '../src/xmlrpc/client.js';
import { startBenchCluster, type BenchCluster } from './pg-cluster.js';
import { balanceLine, docs, pgBytes, resyncShares, sample, takeover, type ReplicaDoc } from './replica-figures.js';

const values = benchArgs(import.meta.url, {
  objects: { type: 'string', default: '1000' },
  quiet: { type: 'string', default: '30' },
  /** replicas: the replica counts to run `watch --sharded` with, one after another. */
  replicas: { type: 'string', default: '1,3' },
  /** no-reconcile skips part 1 (the file and PostgreSQL no-op `converge reconcile` runs). */
  'no-reconcile': { type: 'boolean', default: false },
});
const N = Number(values.objects);
const QUIET_S = Number(values.quiet);
const CLI = new URL('../src/cli/main.js', import.meta.url).pathname;

interface Sim {
  url: string;
  control: XmlRpcClient;
  stop(): void;
}

/** startSim runs `converge sim im` (backlog raised so that three replicas' connections are not held) and resolves with its URL. */
async function startSim(): Promise<Sim> {
  const sim = spawn(process.execPath, [CLI, 'sim', 'im', '--port', '0', '--json', '--backlog', '64'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    sim.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /"url":"([^"]+)"/.exec(text);
      if (match) resolve(match[1]!);
    });
    sim.on('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  const control = new XmlRpcClient({ url });
  return { url, control, stop: () => (control.close(), sim.kill('SIGTERM')) };
}

async function manifests(url: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'converge-replicas-bench-'));
  await writeFile(join(dir, 'auth.dat'), 'id = im; type = InfrastructureManager; username = bench; password = bench-pw\nid = dummy; type = Dummy\n');
  const docs = [`apiVersion: converge/v1\nkind: Backend\nmetadata: {name: im}\nspec: {type: im, url: "${url}", credentials: {fromFile: auth.dat}, limits: {concurrency: 16}}`];
  for (let i = 0; i < N; i += 1) {
    docs.push(`apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: bench-${i}}\nspec:\n  backend: im\n  networks: [{name: net}]\n  systems: [{name: node, cpu: 1, memory: 1Gi, image: "mock0://img", interfaces: [net]}]\n  deploy: {node: 1}`);
  }
  await writeFile(join(dir, 'bench.yaml'), docs.join('\n---\n'));
  return dir;
}

/** reconcile runs the CLI once and returns its wall time in seconds (it must exit 0). */
async function reconcile(dir: string, state: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'reconcile', dir, '--state', state, '--owner', 'bench', '--json'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`reconcile exited ${code}`);
  return (performance.now() - started) / 1000;
}

/**
 * noopFigures creates N infrastructures with each store (a simulator each), then alternates
 * no-op runs of the two, so that whatever else the machine does weighs on both alike.
 */
async function noopFigures(cluster: BenchCluster, runs = 5): Promise<string[]> {
  const stores = [
    { label: 'file store', state: (dir: string) => join(dir, '.converge', 'state.json') },
    { label: 'PostgreSQL', state: () => cluster.url('bench_reconcile') },
  ];
  const setups = await Promise.all(stores.map(async (s) => ({ ...s, sim: await startSim(), times: [] as number[], create: 0, dir: '' })));
  try {
    for (const s of setups) {
      s.dir = await manifests(s.sim.url);
      s.create = await reconcile(s.dir, s.state(s.dir));
      await s.sim.control.call('converge.sim.clearCallLog', []);
    }
    for (let i = 0; i < runs; i += 1) for (const s of setups) s.times.push(await reconcile(s.dir, s.state(s.dir)));
    return await Promise.all(
      setups.map(async (s) => {
        const calls = total((await s.sim.control.call('converge.sim.callCounts', [0])) as Record<string, number>) / runs;
        const sorted = [...s.times].sort((a, b) => a - b);
        return `${s.label.padEnd(11)} create ${s.create.toFixed(2)} s · no-op median ${sorted[Math.floor(runs / 2)]!.toFixed(2)} s, min ${sorted[0]!.toFixed(2)} s (${runs} runs, alternating with the other store), ${calls} backend calls each, none mutating`;
      }),
    );
  } finally {
    for (const s of setups) {
      s.sim.stop();
      if (s.dir) await rm(s.dir, { recursive: true, force: true });
    }
  }
}

interface Replica {
  child: ChildProcess;
  url: Promise<string>;
  /** resyncs counts the `resync` lines the replica logged. */
  resyncs(): number;
}

function startReplica(dir: string, state: string, id: string): Replica {
  const child = spawn(process.execPath, [CLI, 'watch', dir, '--state', state, '--owner', 'bench', '--sharded', '--replica-id', id, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /"url":"(http[^"]+)"/.exec(text);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`replica ${id} exited with ${code}: ${text.slice(-500)}`)));
  });
  return { child, url, resyncs: () => text.split('"msg":"resync"').length - 1 };
}

/** settled waits until every resource is Ready on one replica and no queue holds anything. */
async function settled(urls: readonly string[], timeoutMs = 900_000): Promise<ReplicaDoc[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await docs(urls).catch(() => []);
    const ready = all.reduce((n, d) => n + d.resources.filter((r) => r.inManifests && r.conditions.Ready.status === 'True').length, 0);
    if (ready === N && all.every((d) => d.queue.depth + d.queue.inFlight + d.queue.delayed === 0)) return all;
    if (Date.now() > deadline) throw new Error(`not settled: ${ready} of ${N} Ready`);
    await sleep(250);
  }
}

async function watchFigures(cluster: BenchCluster, count: number): Promise<string[]> {
  const sim = await startSim();
  const dir = await manifests(sim.url);
  const state = cluster.url(`bench_watch_${count}`);
  const started = performance.now();
  const replicas = Array.from({ length: count }, (_, i) => startReplica(dir, state, `w${i + 1}`));
  try {
    const urls = await Promise.all(replicas.map((r) => r.url));
    const settledDocs = await settled(urls);
    const shards = settledDocs.map((d) => `${d.replica.id} ${d.replica.shards.length}`).join(', ');
    const convergeS = (performance.now() - started) / 1000;
    const bytes = await pgBytes(cluster, `bench_watch_${count}`, N);
    await sleep(2_000);
    await sim.control.call('converge.sim.clearCallLog', []);
    const quietTx = await cluster.statements(() => sleep(QUIET_S * 1000));
    const quietCalls = total((await sim.control.call('converge.sim.callCounts', [0])) as Record<string, number>);
    await sim.control.call('converge.sim.clearCallLog', []);
    const before = await Promise.all(urls.map(sample));
    const resyncStarted = performance.now();
    for (const r of replicas) r.child.kill('SIGHUP');
    while (replicas.some((r) => r.resyncs() === 0)) await sleep(100);
    const resyncCalls = await quietAgain(sim, urls);
    const resyncS = (performance.now() - resyncStarted) / 1000 - 2;
    const after = await Promise.all(urls.map(sample));
    const perHour = (n: number) => Math.round((n * 3600) / QUIET_S);
    const lines: string[] = [];
    const say = (line: string) => (console.log(line), lines.push(line));
    for (const line of [
      `${count} replica(s): all ${N} Ready ${convergeS.toFixed(1)} s after start (shards: ${shards})`,
      `  quiet system: ${perHour(quietCalls)} backend calls/h and ${perHour(quietTx)} database statements/h (counted over ${QUIET_S} s: ${quietCalls} calls, ${quietTx} statements: lease renewals and heartbeats)`,
      `  one resync of every replica (SIGHUP): ${resyncCalls} backend calls, i.e. ${resyncCalls * 6}/h at the default --resync 10m; settled after about ${resyncS.toFixed(1)} s`,
      `  each replica's share of it: ${resyncShares(before, after, await docs(urls))}`,
      balanceLine(await docs(urls)),
      bytes,
    ])
      say(line);
    if (count > 1) {
      const t = await takeover(replicas[0]!.child, urls.slice(1), N);
      const ready = Number.isNaN(t.readyMs) ? `only ${t.ready} of ${N} objects Ready on them after 600 s` : `every object Ready on them after ${(t.readyMs / 1000).toFixed(1)} s`;
      say(`  takeover: w1 killed (SIGKILL): the others held all its shards after ${(t.shardsMs / 1000).toFixed(1)} s, ${ready} (lease 15 s, renew 5 s)`);
      say(balanceLine(await docs(urls.slice(1))));
    }
    return lines;
  } finally {
    for (const r of replicas) r.child.kill('SIGTERM');
    await Promise.all(replicas.map((r) => new Promise((resolve) => (r.child.exitCode !== null || r.child.signalCode !== null ? resolve(null) : r.child.on('exit', resolve)))));
    sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** quietAgain waits until every replica is settled and the simulator got no call for 2 s; returns the calls since the log was cleared. */
async function quietAgain(sim: Sim, urls: readonly string[]): Promise<number> {
  let last = -1;
  for (;;) {
    await settled(urls);
    const calls = total((await sim.control.call('converge.sim.callCounts', [0])) as Record<string, number>);
    if (calls === last) return calls;
    last = calls;
    await sleep(2_000);
  }
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

async function main(): Promise<void> {
  console.log(`converge state stores and watch replicas — ${N} IM infrastructures (1 VM each), IM simulator and PostgreSQL ${'in their own processes'}, node ${process.version}`);
  const cluster = await startBenchCluster();
  try {
    if (!values['no-reconcile']) for (const line of await noopFigures(cluster)) console.log(line);
    for (const count of values.replicas!.split(',').map(Number)) await watchFigures(cluster, count);
  } finally {
    await cluster.stop();
  }
}

await main();
