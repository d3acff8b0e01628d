/**
 * Watch-mode benchmark: how fast `converge watch` reacts, and what it costs when nothing happens.
 * The controller (src/controller) and the simulators run in this process; the simulators' call
 * logs timestamp every call, so latencies are measured at the backend, where they matter.
 *
 * 1. manifest edit → first mutating call: an IM infrastructure's deploy count is rewritten on
 *    disk (alternately 1 and 2); time from the write to the arrival of AddResource/RemoveResource.
 * 2. drift event → corrective call: another client hard-shuts a converge VM on XenAPI; time from
 *    the reply to VM.hard_shutdown to the arrival of VM.start (resync set to 1 h, so only the
 *    event.from stream can have noticed), on a pool with --objects VMs.
 * 3. reads per hour on a quiet system of --objects VMs: backend calls counted over a quiet window
 *    (--quiet seconds, nothing changing), extrapolated to an hour, plus the calls of one measured
 *    resync times the resyncs per hour at the default period (10 min).
 *
 *   npm run bench:watch
 *   node dist/bench/watch-bench.js --objects 1000 --samples 10 --quiet 60
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs } from './bench-args.js';
import { Session } from 'node:inspector';
import { setTimeout as sleep } from 'node:timers/promises';
import { Controller } from '../src/controller/controller.js';
import { createJsonLog } from '../src/controller/log/json-log.js';
import { startImSimulator } from '../src/backends/im/sim/index.js';
import { startXenApiSimulator } from '../src/backends/xenapi/sim/index.js';
import type { CallLog, CallLogEntry } from '../src/xmlrpc/sim/call-log.js';
import { XmlRpcClient } from '../src/xmlrpc/client.js';

const values = benchArgs(import.meta.url, {
  objects: { type: 'string', default: '1000' },
  samples: { type: 'string', default: '10' },
  quiet: { type: 'string', default: '60' },
  debounce: { type: 'string', default: '200ms' },
  /** only: `edit` or `xen` runs one part (default both). */
  only: { type: 'string', default: 'all' },
  /** trace prints, per sample, when the controller's steps happened (ms after the edit or the drift). */
  trace: { type: 'boolean', default: false },
  /** profile: write a CPU profile of the drift samples (this process: controller and simulator) to this file. */
  profile: { type: 'string' },
});
const TRACED = /"msg":"(manifests-loaded|pass-start|pass-done|backend-event)"/;
/** marks are the traced log lines: [time, message], cleared per sample. */
const marks: Array<[number, string]> = [];
const SAMPLES = Number(values.samples);
const DEFAULT_RESYNC_S = 600;

interface Running {
  controller: Controller;
  passes: () => number;
  dir: string;
}

async function startController(dir: string): Promise<Running> {
  let passes = 0;
  const log = createJsonLog({
    level: values.trace ? 'debug' : 'info',
    write: (line) => {
      if (line.includes('"msg":"pass-done"')) passes += 1;
      const traced = values.trace ? TRACED.exec(line) : null;
      if (traced) marks.push([Date.now(), traced[1]!]);
    },
  });
  const controller = await Controller.start({
    dir, listen: { host: '127.0.0.1', port: 0 }, resyncMs: 3_600_000, workers: 1, prune: false, parallelism: 16, passWaitMs: 600_000, pollMs: 200,
    graceMs: 30_000, debounceMs: Number.parseInt(values.debounce!, 10), lockTimeoutMs: 0, log, generator: 'bench', version: 'bench',
  });
  return { controller, passes: () => passes, dir };
}

/** settled waits until every desired resource is Ready and no pass has run for `quietMs`. */
async function settled(run: Running, quietMs = 1500, timeoutMs = 900_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  let since = Date.now();
  for (;;) {
    const doc = (await (await fetch(`${run.controller.url}/status`)).json()) as { queue: { depth: number; inFlight: number; delayed: number }; resources: Array<{ inManifests: boolean; conditions: { Ready: { status: string } } }> };
    const ready = doc.resources.filter((r) => r.inManifests).every((r) => r.conditions.Ready.status === 'True');
    const idle = doc.queue.depth === 0 && doc.queue.inFlight === 0 && doc.queue.delayed === 0;
    if (run.passes() !== seen) [seen, since] = [run.passes(), Date.now()];
    if (ready && idle && Date.now() - since >= quietMs) return;
    if (Date.now() > deadline) throw new Error('the controller did not settle');
    await sleep(50);
  }
}

/**
 * firstCall waits for the first call after `seq` whose method matches, and returns it. Latencies
 * come from the log's timestamps, so polling every 20 ms loses no precision; polling every 2 ms
 * (as before) copied the whole call log (some 14,000 entries at 1,000 VMs) 500 times a second on
 * the controller's own thread, and so slowed down what it measured.
 */
async function firstCall(log: CallLog, seq: number, method: RegExp, timeoutMs = 120_000): Promise<CallLogEntry> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = log.since(seq).find((e) => method.test(e.method));
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`no ${method} within ${timeoutMs} ms`);
    await sleep(20);
  }
}

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return `median ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms, min ${s[0]!.toFixed(0)} ms, max ${s.at(-1)!.toFixed(0)} ms (n = ${s.length})`;
}

async function editLatency(): Promise<string> {
  const sim = await startImSimulator();
  const dir = await mkdtemp(join(tmpdir(), 'watch-bench-im-'));
  await writeFile(join(dir, 'auth.dat'), 'id = im; type = InfrastructureManager; username = bench; password = bench-pw\nid = dummy; type = Dummy\n');
  const infra = (n: number) =>
    `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: im}\nspec: {type: im, url: "${sim.url}", credentials: {fromFile: auth.dat}}\n---\n` +
    `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: bench}\nspec:\n  backend: im\n  networks: [{name: net}]\n` +
    `  systems: [{name: node, cpu: 1, memory: 512Mi, image: "mock0://img", interfaces: [net]}]\n  deploy: {node: ${n}}\n`;
  await writeFile(join(dir, 'bench.yaml'), infra(1));
  const run = await startController(dir);
  try {
    await settled(run);
    const latencies: number[] = [];
    for (let i = 0; i < SAMPLES; i += 1) {
      const seq = sim.sim.knobs.log.lastSeq;
      marks.length = 0;
      const written = Date.now();
      await writeFile(join(dir, 'bench.yaml'), infra(i % 2 === 0 ? 2 : 1));
      const call = await firstCall(sim.sim.knobs.log, seq, /^(AddResource|RemoveResource)$/);
      latencies.push(call.at - call.durationMs - written);
      trace(written, sim.sim.knobs.log.since(seq));
      await settled(run, 500);
    }
    return stats(latencies);
  } finally {
    await run.controller.stop('bench done');
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}

interface XenFigures {
  createS: number;
  drift: string;
  quiet: Record<string, number>;
  quietS: number;
  resync: Record<string, number>;
}

async function xenFigures(objects: number): Promise<XenFigures> {
  const sim = await startXenApiSimulator({ taskDurationMs: 5 });
  const dir = await mkdtemp(join(tmpdir(), 'watch-bench-xen-'));
  await writeFile(join(dir, 'xen.cred'), 'username = root\npassword = xenroot\n');
  await writeFile(
    join(dir, 'bench.yaml'),
    `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: xen}\nspec: {type: xenapi, url: "${sim.url}", credentials: {fromFile: xen.cred}, limits: {concurrency: 16}}\n---\n` +
      `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: bench}\nspec:\n  backend: xen\n  networks: [{name: net}]\n` +
      `  systems: [{name: node, cpu: 1, memory: 32Mi, image: "Other install media", interfaces: [net]}]\n  deploy: {node: ${objects}}\n`,
  );
  const started = Date.now();
  const run = await startController(dir);
  const client = new XmlRpcClient({ url: sim.url });
  try {
    await settled(run, 3000);
    const createS = (Date.now() - started) / 1000;
    const quietS = Number(values.quiet);
    let seq = sim.sim.knobs.log.lastSeq;
    await sleep(quietS * 1000);
    const quiet = sim.sim.knobs.log.countByMethod(seq);
    seq = sim.sim.knobs.log.lastSeq;
    await run.controller.resync();
    await settled(run, 1000);
    const resync = sim.sim.knobs.log.countByMethod(seq);
    delete resync['event.from'];
    const profiler = values.profile ? await startProfile() : undefined;
    const drift = await driftLatency(sim, client, run, objects);
    await profiler?.();
    return { createS, drift, quiet, quietS, resync };
  } finally {
    client.close();
    await run.controller.stop('bench done');
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function driftLatency(sim: Awaited<ReturnType<typeof startXenApiSimulator>>, client: XmlRpcClient, run: Running, objects: number): Promise<string> {
  const login = (await client.call('session.login_with_password', ['root', 'xenroot'])) as { Value: string };
  const byName = new Map(Object.entries(sim.sim.dump().VM ?? {}).map(([ref, row]) => [String(row.name_label), ref]));
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    const ref = byName.get(`bench-node-${(i * 97) % objects}`)!;
    const seq = sim.sim.knobs.log.lastSeq;
    marks.length = 0;
    await client.call('VM.hard_shutdown', [login.Value, ref]);
    const halted = await firstCall(sim.sim.knobs.log, seq, /^VM\.hard_shutdown$/);
    const start = await firstCall(sim.sim.knobs.log, halted.seq, /^(Async\.)?VM\.start$/);
    latencies.push(start.at - start.durationMs - halted.at);
    trace(halted.at, sim.sim.knobs.log.since(halted.seq).filter((e) => e.seq <= start.seq));
    await settled(run, 500);
  }
  return stats(latencies);
}

/** startProfile starts the inspector's CPU profiler; the function it returns writes the profile. */
async function startProfile(): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  const post = (method: string) => new Promise<unknown>((done, fail) => session.post(method, (error, result) => (error ? fail(error) : done(result))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    await writeFile(values.profile!, JSON.stringify(profile));
    session.disconnect();
  };
}

/** trace prints the controller's traced steps and the backend's calls, in ms after `from`. */
function trace(from: number, calls: CallLogEntry[]): void {
  if (!values.trace) return;
  const steps = [
    ...marks.map(([at, msg]) => [at, msg] as const),
    ...calls.slice(0, 12).map((e) => [e.at - e.durationMs, `${e.method} (${e.durationMs.toFixed(0)} ms)`] as const),
  ].sort((a, b) => a[0] - b[0]);
  console.log(`  trace: ${steps.map(([at, what]) => `+${(at - from).toFixed(0)} ${what}`).join(', ')}`);
}

function perHour(counts: Record<string, number>, seconds: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([m, n]) => [m, Math.round((n * 3600) / seconds)]));
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

async function main(): Promise<void> {
  const objects = Number(values.objects);
  console.log(`converge watch benchmark — node ${process.version}, controller and simulators in one process, debounce ${values.debounce}`);
  if (values.only !== 'xen') console.log(`manifest edit → first mutating call (IM, write to AddResource/RemoveResource arrival): ${await editLatency()}`);
  if (values.only === 'edit') return;
  const xen = await xenFigures(objects);
  console.log(`XenAPI pool of ${objects} converge VMs (+1 network), created by the controller's first pass in ${xen.createS.toFixed(1)} s`);
  console.log(`drift event → corrective call (VM.hard_shutdown reply to VM.start arrival, resync 1 h): ${xen.drift}`);
  const quietHour = perHour(xen.quiet, xen.quietS);
  const resyncsPerHour = 3600 / DEFAULT_RESYNC_S;
  const resyncHour = Object.fromEntries(Object.entries(xen.resync).map(([m, n]) => [m, n * resyncsPerHour]));
  console.log(`reads per hour, quiet system of ${objects} objects: ${total(quietHour) + total(resyncHour)}`);
  console.log(`  method: calls counted by the simulator over a ${xen.quietS} s quiet window (${JSON.stringify(xen.quiet)}) × 3600/${xen.quietS}`);
  console.log(`          = ${total(quietHour)}/h ${JSON.stringify(quietHour)}`);
  console.log(`        + one measured resync (${JSON.stringify(xen.resync)}) × ${resyncsPerHour} resyncs/h at the default --resync 10m`);
  console.log(`          = ${total(resyncHour)}/h`);
}

await main();
