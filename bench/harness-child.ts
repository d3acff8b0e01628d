/**
 * One measurement of the backend benchmarks (harness.ts runs it as a child process, one per N, so
 * RSS figures do not mix): start the scenario's simulator in its own process (`converge sim
 * <type>`, as a real server would be), write the scenario's manifests, and measure a create pass
 * and a no-op pass; print them as one JSON document on stdout. With `callLog`, the create pass's
 * simulator call log comes with it (critical-path.ts derives the critical path from it).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XmlRpcClient } from '../src/xmlrpc/client.js';
import { openWorkspace } from '../src/workspace/open-workspace.js';
import { converge } from '../src/engine/converge.js';
import { silentSink } from '../src/engine/events.js';
import type { CallLogEntry } from '../src/xmlrpc/sim/call-log.js';
import type { ChildResult, PassFigures, Scenario } from './harness-types.js';

export interface ChildOptions {
  n: number;
  latency: string;
  concurrency: number;
  /** simArgs: extra `converge sim` flags (the scenario's own come on top). */
  simArgs: string;
  /** url: a simulator already running (no process is started then). */
  url?: string;
  callLog?: boolean;
}

export async function runChild(scenario: Scenario, o: ChildOptions): Promise<ChildResult> {
  const simArgs = [o.simArgs, ...(scenario.simArgs?.(o.n) ?? [])].join(' ');
  const sim = o.url ? { url: o.url, stop: () => undefined } : await startSimulatorProcess(scenario.type, o.latency, simArgs);
  const control = new XmlRpcClient({ url: sim.url });
  const dir = await mkdtemp(join(tmpdir(), `converge-${scenario.type}-bench-`));
  try {
    await scenario.writeManifests(dir, sim.url, o.n, o.concurrency);
    const create = await measurePass(dir, control, o.concurrency, o.n);
    const createLog = o.callLog ? ((await control.call('converge.sim.callLog', [0])) as unknown as CallLogEntry[]) : undefined;
    const noop = await measurePass(dir, control, o.concurrency, o.n);
    const stateBytes = (await stat(join(dir, '.converge', 'state.json')).catch(() => ({ size: 0 }))).size;
    return { n: o.n, create, noop, stateBytes, ...(createLog ? { createLog: createLog.map(({ method, at, durationMs }) => ({ method, at, durationMs })) } : {}) };
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
