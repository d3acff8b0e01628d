/**
 * XenAPI benchmark: N VMs (default 10, 100, 1000) from nothing to running on the XenAPI
 * simulator, then a no-op pass, with a settable per-call latency. For each pass it prints wall
 * time, backend calls by method (counted by the simulator) and converge's peak RSS. The simulator
 * runs in its own process (`converge sim xenapi`), as a pool master would, so the figures are
 * converge's alone; each N runs in a fresh child process so RSS figures do not mix. VMs are
 * cloned from "Other install media" with 32 MiB so that 1000 of them fit the simulated host.
 *
 *   node dist/bench/xen-bench.js                         # N = 10, 100, 1000 at 0 ms latency
 *   node dist/bench/xen-bench.js --latency 5 --counts 100,1000 --concurrency 16
 *   node dist/bench/xen-bench.js --child --n 1000 --url http://127.0.0.1:8899/   # a simulator you started
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { XmlRpcClient } from '../src/xmlrpc/client.js';
import { openWorkspace } from '../src/cli/open-workspace.js';
import { converge } from '../src/engine/converge.js';
import { silentSink } from '../src/engine/events.js';

interface PassFigures {
  wallMs: number;
  calls: Record<string, number>;
  peakRssMB: number;
  outcome: string;
  mutatingCalls: number;
}

const { values } = parseArgs({
  options: {
    child: { type: 'boolean', default: false },
    n: { type: 'string', default: '10' },
    counts: { type: 'string', default: '10,100,1000' },
    latency: { type: 'string', default: '0' },
    concurrency: { type: 'string', default: '16' },
    url: { type: 'string' },
  },
});

async function manifests(dir: string, url: string, n: number, concurrency: number): Promise<void> {
  await writeFile(join(dir, 'xen.cred'), 'username = root\npassword = xenroot\n');
  const backend = `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: xen}\nspec: {type: xenapi, url: "${url}", credentials: {fromFile: xen.cred}, limits: {concurrency: ${concurrency}}}`;
  const infra =
    `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: bench}\nspec:\n  backend: xen\n  networks: [{name: net}]\n` +
    `  systems: [{name: node, cpu: 1, memory: 32Mi, image: "Other install media", interfaces: [net]}]\n  deploy: {node: ${n}}`;
  await writeFile(join(dir, 'bench.yaml'), `${backend}\n---\n${infra}\n`);
}

async function pass(dir: string, control: XmlRpcClient, concurrency: number): Promise<PassFigures> {
  await control.call('converge.sim.clearCallLog', []);
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const started = performance.now();
  const ws = await openWorkspace({ dir, sink: silentSink });
  try {
    const report = await converge(ws, { waitMs: 900_000, pollMs: 200, prune: () => false, globalLimit: concurrency, signal: new AbortController().signal, sink: silentSink, generator: 'bench' });
    const wallMs = performance.now() - started;
    const calls = (await control.call('converge.sim.callCounts', [])) as Record<string, number>;
    return { wallMs, calls, peakRssMB: Math.max(peak, process.memoryUsage.rss()) / 2 ** 20, outcome: report.outcome, mutatingCalls: report.mutatingCalls };
  } finally {
    clearInterval(sampler);
    await ws.close();
  }
}

/** startSimulatorProcess runs `converge sim xenapi` and resolves with its URL. */
function startSimulatorProcess(latencyMs: string): Promise<{ url: string; stop(): void }> {
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  const sim = spawn(process.execPath, [cli, 'sim', 'xenapi', '--port', '0', '--latency', latencyMs, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
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

async function child(): Promise<void> {
  const n = Number(values.n);
  const concurrency = Number(values.concurrency);
  const sim = values.url ? { url: values.url, stop: () => undefined } : await startSimulatorProcess(values.latency!);
  const control = new XmlRpcClient({ url: sim.url });
  const dir = await mkdtemp(join(tmpdir(), 'converge-xen-bench-'));
  try {
    await manifests(dir, sim.url, n, concurrency);
    const create = await pass(dir, control, concurrency);
    const noop = await pass(dir, control, concurrency);
    process.stdout.write(JSON.stringify({ n, create, noop }));
  } finally {
    control.close();
    sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function format(label: string, n: number, f: PassFigures): string {
  const total = Object.values(f.calls).reduce((a, b) => a + b, 0);
  const calls = Object.entries(f.calls).sort().map(([m, c]) => `${m}=${c}`).join(' ');
  const head = `${String(n).padStart(5)}  ${label.padEnd(6)} ${(f.wallMs / 1000).toFixed(2).padStart(8)}s ${f.peakRssMB.toFixed(0).padStart(6)} MB ${String(total).padStart(7)} ${String(f.mutatingCalls).padStart(8)}`;
  return `${head}  ${f.outcome}  ${calls}`;
}

async function main(): Promise<void> {
  if (values.child) return child();
  const self = fileURLToPath(import.meta.url);
  console.log(`XenAPI benchmark — latency ${values.latency} ms/call, concurrency ${values.concurrency}, 1 VM per instance, node ${process.version}`);
  console.log('    N  pass       wall    peak RSS   calls mutating  outcome    calls by method');
  for (const n of values.counts!.split(',').map(Number)) {
    const out = execFileSync(process.execPath, [self, '--child', '--n', String(n), '--latency', values.latency!, '--concurrency', values.concurrency!], { maxBuffer: 64 * 2 ** 20 });
    const { create, noop } = JSON.parse(out.toString()) as { create: PassFigures; noop: PassFigures };
    console.log(format('create', n, create));
    console.log(format('no-op', n, noop));
  }
}

await main();
