/**
 * The shared harness of the backend benchmarks (im-bench, xen-bench, planetlab-bench): a parent
 * process runs one child per N so RSS figures do not mix (harness-child.ts: the simulator in its
 * own process, a create pass and a no-op pass; wall time, converge's own CPU — process.cpuUsage
 * of the child, user + system —, calls by method as the simulator counted them, mutating calls,
 * converge's peak RSS sampled every 50 ms; each also per object).
 *
 * With a latency above 0, the parent first runs ONE object (and two) and derives the object's
 * critical path from the simulator's call log (critical-path.ts), then prints beside each create the bound
 * ⌈N/concurrency⌉ × path × latency and figure/bound (issue 13, goal 3).
 *
 * Flags: --counts 10,100,1000 · --latency MS (per call, simulator side) · --concurrency N ·
 * --child --n N [--url URL] (one measurement, against a simulator you started) · --sim-args="…"
 * (extra `converge sim` flags, e.g. "--task-ms 0" to time converge alone).
 *
 * Scenario modules export their Scenario and call runBenchmark only when run as the main script
 * (`isMain`), so compare.ts can import them without running them.
 */
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { benchArgs } from './bench-args.js';
import { runChild } from './harness-child.js';
import { criticalPath, describePath, latencyBoundMs, perPassCalls, type CriticalPath } from './critical-path.js';
import { totalCalls, type ChildResult, type PassFigures, type Scenario } from './harness-types.js';

export type { PassFigures, Scenario, ChildResult } from './harness-types.js';

const run = promisify(execFile);

export interface MeasureOptions {
  latency: string;
  concurrency: number;
  simArgs: string;
  callLog?: boolean;
}

/** isMain tells whether the module at `metaUrl` is the script node was started with. */
export function isMain(metaUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(metaUrl));
  } catch {
    return false;
  }
}

/** measureScenario runs one child (a fresh process) for N objects and returns its figures. */
export async function measureScenario(scenario: Scenario, n: number, o: MeasureOptions): Promise<ChildResult> {
  const args = [scenario.self, '--child', '--n', String(n), '--latency', o.latency, '--concurrency', String(o.concurrency), `--sim-args=${o.simArgs}`];
  if (o.callLog) args.push('--call-log');
  const { stdout } = await run(process.execPath, args, { maxBuffer: 256 * 2 ** 20 });
  return JSON.parse(stdout) as ChildResult;
}

/** derivePath measures one object (with its call log) and two (for the once-per-pass methods) at the given latency and derives the object's critical path. */
export async function derivePath(scenario: Scenario, o: MeasureOptions): Promise<CriticalPath> {
  const one = await measureScenario(scenario, 1, { ...o, callLog: true });
  const two = await measureScenario(scenario, 2, o);
  // One's counts come from its log (the log is read last, so it also holds a logout that came after the count).
  const log = one.createLog ?? [];
  const oneCounts: Record<string, number> = {};
  for (const c of log) oneCounts[c.method] = (oneCounts[c.method] ?? 0) + 1;
  return criticalPath(log, perPassCalls(oneCounts, two.create.calls));
}

export async function runBenchmark(scenario: Scenario): Promise<void> {
  const values = benchArgs(scenario.self, {
    child: { type: 'boolean', default: false },
    'call-log': { type: 'boolean', default: false },
    n: { type: 'string', default: '10' },
    counts: { type: 'string', default: '10,100,1000' },
    latency: { type: 'string', default: '0' },
    concurrency: { type: 'string' },
    url: { type: 'string' },
    'sim-args': { type: 'string', default: '' },
  });
  const o: MeasureOptions = { latency: values.latency!, concurrency: Number(values.concurrency ?? scenario.defaultConcurrency ?? 16), simArgs: values['sim-args']! };
  if (values.child) {
    const result = await runChild(scenario, { ...o, n: Number(values.n), callLog: values['call-log']!, ...(values.url ? { url: values.url } : {}) });
    process.stdout.write(JSON.stringify(result));
    return;
  }
  const simArgs = o.simArgs ? `, simulator ${o.simArgs}` : '';
  console.log(`${scenario.title} — latency ${o.latency} ms/call, concurrency ${o.concurrency}${simArgs}, node ${process.version}`);
  const latency = Number(o.latency);
  const path = latency > 0 ? await derivePath(scenario, o) : undefined;
  if (path) console.log(describePath(path, latency));
  console.log('    N  pass       wall    peak RSS   calls mutating  wall/obj  cpu/obj  calls/obj  outcome    calls by method');
  for (const n of values.counts!.split(',').map(Number)) {
    const { create, noop, stateBytes } = await measureScenario(scenario, n, o);
    console.log(formatRow('create', n, create));
    if (path) console.log(boundLine(n, o.concurrency, Math.min(o.concurrency, scenario.connections), latency, path, create.wallMs));
    console.log(formatRow('no-op', n, noop));
    console.log(`       state file ${stateBytes} bytes, ${(stateBytes / n).toFixed(0)} bytes/object`);
  }
}

/**
 * boundLine: the bound (calls × latency per wave of `limit` objects) and, beside it, the
 * bound the backend allows: the path's measured server time (task and create work included) per
 * wave of `inFlight` objects, where `inFlight` is min(limit, connections) — IM's 4 connections
 * carry one call each, and its create holds one for the server's whole create time.
 */
function boundLine(n: number, limit: number, inFlight: number, latency: number, path: CriticalPath, wallMs: number): string {
  const bound = latencyBoundMs(n, limit, path.calls.length, latency);
  const waves = Math.ceil(n / inFlight);
  return (
    `       bound ⌈${n}/${limit}⌉ × ${path.calls.length} calls × ${latency} ms = ${(bound / 1000).toFixed(2)} s · figure/bound ${(wallMs / bound).toFixed(2)}×` +
    ` · with the server's own time on the path (${path.pathMs} ms per object) and ${inFlight} in flight: ${waves} × ${path.pathMs} ms = ${((waves * path.pathMs) / 1000).toFixed(2)} s, figure/that ${(wallMs / (waves * path.pathMs)).toFixed(2)}×`
  );
}

export function formatRow(label: string, n: number, f: PassFigures): string {
  const total = totalCalls(f.calls);
  const calls = Object.entries(f.calls).sort().map(([m, c]) => `${m}=${c}`).join(' ');
  const perObject = `${(f.wallMs / n).toFixed(2).padStart(7)}ms ${(f.cpuMs / n).toFixed(2).padStart(6)}ms ${(total / n).toFixed(1).padStart(10)}`;
  const head = `${String(n).padStart(5)}  ${label.padEnd(6)} ${(f.wallMs / 1000).toFixed(2).padStart(8)}s ${f.peakRssMB.toFixed(0).padStart(6)} MB ${String(total).padStart(7)} ${String(f.mutatingCalls).padStart(8)}  ${perObject}`;
  return `${head}  ${f.outcome}  ${calls}`;
}
