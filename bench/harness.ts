/**
 * The shared harness of the backend benchmarks (im-bench, xen-bench): a parent process runs one
 * child per N so RSS figures do not mix; each child starts the backend's simulator in its own
 * process (`converge sim <type>`, as a real server would be), writes the scenario's manifests,
 * and measures a create pass and a no-op pass: wall time, converge's own CPU (process.cpuUsage of
 * the child, user + system), calls by method as the simulator counted them, mutating calls, and
 * converge's peak RSS (sampled every 50 ms); each also per object.
 *
 * Flags: --counts 10,100,1000 · --latency MS (per call, simulator side) · --concurrency N ·
 * --child --n N [--url URL] (one measurement, against a simulator you started) · --sim-args="…"
 * (extra `converge sim` flags, e.g. "--create-ms-per-vm 0 --create-base-ms 0" to time converge alone).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { XmlRpcClient } from '../src/xmlrpc/client.js';
import { openWorkspace } from '../src/workspace/open-workspace.js';
import { converge } from '../src/engine/converge.js';
import { silentSink } from '../src/engine/events.js';

export interface PassFigures {
  wallMs: number;
  /** cpuMs: user + system CPU of the converge process (the child; the simulator runs in its own). */
  cpuMs: number;
  calls: Record<string, number>;
  peakRssMB: number;
  outcome: string;
  mutatingCalls: number;
  /** n: the objects of the scenario, for the per-object columns. */
  n: number;
}

export interface Scenario {
  /** type is the simulator to serve (`converge sim <type>`). */
  type: string;
  title: string;
  /** writeManifests writes the Backend (at `url`) and the resources for N objects into `dir`. */
  writeManifests(dir: string, url: string, n: number, concurrency: number): Promise<void>;
  /** self is the compiled scenario script (import.meta.url), re-run as the child. */
  self: string;
  /** simArgs: extra `converge sim` flags for N objects (e.g. enough XenAPI hosts for N VMs). */
  simArgs?(n: number): string[];
}

const { values } = parseArgs({
  options: {
    child: { type: 'boolean', default: false },
    n: { type: 'string', default: '10' },
    counts: { type: 'string', default: '10,100,1000' },
    latency: { type: 'string', default: '0' },
    concurrency: { type: 'string', default: '16' },
    url: { type: 'string' },
    /** sim-args are extra `converge sim` flags, e.g. "--create-ms-per-vm 0" to time converge alone. */
    'sim-args': { type: 'string', default: '' },
  },
});

export async function runBenchmark(scenario: Scenario): Promise<void> {
  if (values.child) return child(scenario);
  const simArgs = values['sim-args'] ? `, simulator ${values['sim-args']}` : '';
  console.log(`${scenario.title} — latency ${values.latency} ms/call, concurrency ${values.concurrency}${simArgs}, node ${process.version}`);
  console.log('    N  pass       wall    peak RSS   calls mutating  wall/obj  cpu/obj  calls/obj  outcome    calls by method');
  for (const n of values.counts!.split(',').map(Number)) {
    const args = [scenario.self, '--child', '--n', String(n), '--latency', values.latency!, '--concurrency', values.concurrency!, `--sim-args=${values['sim-args']!}`];
    const { create, noop } = JSON.parse(execFileSync(process.execPath, args, { maxBuffer: 64 * 2 ** 20 }).toString()) as { create: PassFigures; noop: PassFigures };
    console.log(formatRow('create', n, create));
    console.log(formatRow('no-op', n, noop));
  }
}

async function child(scenario: Scenario): Promise<void> {
  const n = Number(values.n);
  const concurrency = Number(values.concurrency);
  const simArgs = [values['sim-args']!, ...(scenario.simArgs?.(n) ?? [])].join(' ');
  const sim = values.url ? { url: values.url, stop: () => undefined } : await startSimulatorProcess(scenario.type, values.latency!, simArgs);
  const control = new XmlRpcClient({ url: sim.url });
  const dir = await mkdtemp(join(tmpdir(), `converge-${scenario.type}-bench-`));
  try {
    await scenario.writeManifests(dir, sim.url, n, concurrency);
    const create = await measurePass(dir, control, concurrency, n);
    const noop = await measurePass(dir, control, concurrency, n);
    process.stdout.write(JSON.stringify({ n, create, noop }));
  } finally {
    control.close();
    sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** startSimulatorProcess runs `converge sim <type>` and resolves with its URL. */
function startSimulatorProcess(type: string, latencyMs: string, extra: string): Promise<{ url: string; stop(): void }> {
  const cli = new URL('../src/cli/main.js', import.meta.url).pathname;
  const args = [cli, 'sim', type, '--port', '0', '--latency', latencyMs, '--json', ...extra.split(/\s+/).filter(Boolean)];
  const sim = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let text = '';
    sim.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /"url":"([^"]+)"/.exec(text);
      if (match) resolve({ url: match[1]!, stop: () => sim.kill('SIGTERM') });
    });
    sim.on('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
}

async function measurePass(dir: string, control: XmlRpcClient, concurrency: number, n: number): Promise<PassFigures> {
  await control.call('converge.sim.clearCallLog', []);
  const cpuBefore = process.cpuUsage();
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const started = performance.now();
  const ws = await openWorkspace({ dir, sink: silentSink });
  try {
    const report = await converge(ws, { waitMs: 900_000, pollMs: 200, prune: () => false, globalLimit: concurrency, signal: new AbortController().signal, sink: silentSink, generator: 'bench' });
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const calls = (await control.call('converge.sim.callCounts', [])) as Record<string, number>;
    return { wallMs, cpuMs, n, calls, peakRssMB: Math.max(peak, process.memoryUsage.rss()) / 2 ** 20, outcome: report.outcome, mutatingCalls: report.mutatingCalls };
  } finally {
    clearInterval(sampler);
    await ws.close();
  }
}

function formatRow(label: string, n: number, f: PassFigures): string {
  const total = Object.values(f.calls).reduce((a, b) => a + b, 0);
  const calls = Object.entries(f.calls).sort().map(([m, c]) => `${m}=${c}`).join(' ');
  const perObject = `${(f.wallMs / n).toFixed(2).padStart(7)}ms ${(f.cpuMs / n).toFixed(2).padStart(6)}ms ${(total / n).toFixed(1).padStart(10)}`;
  const head = `${String(n).padStart(5)}  ${label.padEnd(6)} ${(f.wallMs / 1000).toFixed(2).padStart(8)}s ${f.peakRssMB.toFixed(0).padStart(6)} MB ${String(total).padStart(7)} ${String(f.mutatingCalls).padStart(8)}  ${perObject}`;
  return `${head}  ${f.outcome}  ${calls}`;
}
