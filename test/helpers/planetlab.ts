/**
 * Test helpers for the PlanetLab driver: manifests for a PLC simulator, an in-process engine run
 * on the simulator's clock, and ground truth read from the simulator (PLC rows and node dumps).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { converge } from '../../src/engine/converge.js';
import type { RunEvent } from '../../src/engine/events.js';
import type { RunReport } from '../../src/engine/report.js';
import { openWorkspace } from '../../src/workspace/open-workspace.js';
import { XmlRpcClient } from '../../src/xmlrpc/client.js';
import type { SimClock } from '../../src/xmlrpc/sim/clock.js';

export const PI_CREDENTIALS = 'username = pi@princeton.test\npassword = pi-password\n';
export const DAY_MS = 86_400_000;

/** backendYaml is a planetlab Backend at `url` with optional extra spec lines (indented two spaces). */
export function backendYaml(url: string, extra = ''): string {
  return `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: plc}\nspec:\n  type: planetlab\n  url: "${url}"\n  credentials: {fromFile: plc.txt}\n  timeouts: {settle: 2s}\n${extra}`;
}

export interface SliceOptions {
  instantiation?: string;
  nodes?: string[];
  persons?: string[];
  tags?: string;
  controller?: string;
  slivers?: string;
  renewal?: string;
  description?: string | null;
  url?: string | null;
}

/** sliceYaml is one Slice document named `meta` for PLC slice `name`. */
export function sliceYaml(meta: string, name: string, options: SliceOptions = {}): string {
  const lines = [
    'apiVersion: converge/v1',
    'kind: Slice',
    `metadata: {name: ${meta}}`,
    'spec:',
    '  backend: plc',
    `  name: ${name}`,
    `  instantiation: ${options.instantiation ?? 'plc-instantiated'}`,
  ];
  if (options.description !== null) lines.push(`  description: ${options.description ?? `The ${meta} slice`}`);
  if (options.url !== null) lines.push(`  url: ${options.url ?? `https://example.org/${meta}`}`);
  if (options.nodes) lines.push(`  nodes: [${options.nodes.join(', ')}]`);
  if (options.persons) lines.push(`  persons: [${options.persons.join(', ')}]`);
  if (options.tags) lines.push(`  tags: ${options.tags}`);
  if (options.controller) lines.push(`  controller: ${options.controller}`);
  if (options.slivers) lines.push(`  slivers: ${options.slivers}`);
  if (options.renewal) lines.push(`  renewal: ${options.renewal}`);
  return `${lines.join('\n')}\n`;
}

/** writeManifests writes the credentials and the given files into `dir` (a new temp dir by default). */
export async function writeManifests(files: Record<string, string>, dir?: string): Promise<string> {
  const target = dir ?? (await mkdtemp(join(tmpdir(), 'converge-pl-')));
  await writeFile(join(target, 'plc.txt'), PI_CREDENTIALS);
  for (const [name, text] of Object.entries(files)) await writeFile(join(target, name), text);
  return target;
}

export interface RunOptions {
  clock?: SimClock;
  prune?: boolean;
  waitMs?: number;
  /** onEvent sees every event as it happens (e.g. to let the nodes poll when the run waits). */
  onEvent?: (event: RunEvent) => void;
}

/** runEngine runs one reconcile in-process; the engine's clock is the simulator's when given. */
export async function runEngine(dir: string, options: RunOptions = {}): Promise<RunReport & { events: RunEvent[] }> {
  const events: RunEvent[] = [];
  const started = Date.now();
  const sink = {
    emit: (e: RunEvent) => {
      events.push(e);
      timings.set(e, Date.now() - started);
      options.onEvent?.(e);
    },
  };
  const ws = await openWorkspace({ dir, sink });
  try {
    const clock = options.clock;
    const report = await converge(ws, {
      waitMs: options.waitMs ?? 20_000,
      pollMs: 100,
      prune: () => Boolean(options.prune),
      globalLimit: 8,
      signal: new AbortController().signal,
      sink,
      generator: 'test',
      ...(clock ? { now: () => new Date(clock.now()) } : {}),
    });
    return { ...report, events };
  } finally {
    await ws.close();
  }
}

/** PlcRows is the part of `converge.sim.plc.dump` the tests read. */
export interface PlcRows {
  slices: Array<{ slice_id: number; name: string; description: string | null; url: string | null; expires: number; is_deleted: boolean; node_ids: number[]; person_ids: number[] }>;
  sliceTags: Array<{ slice_tag_id: number; slice_id: number; tagname: string; value: string; node_id: number | null }>;
  nodes: Array<{ node_id: number; hostname: string }>;
  persons: Array<{ person_id: number; email: string }>;
}

/** plcDump reads the whole PLC through its control method. */
export async function plcDump(url: string): Promise<PlcRows> {
  const client = new XmlRpcClient({ url });
  try {
    return (await client.call('converge.sim.plc.dump', [])) as unknown as PlcRows;
  } finally {
    client.close();
  }
}

/** liveSlices are the slices PLC shows at `nowMs` (not deleted, not expired). */
export function liveSlices(rows: PlcRows, nowMs: number): PlcRows['slices'] {
  return rows.slices.filter((s) => !s.is_deleted && s.expires * 1000 > nowMs);
}

/** markedKeys lists the converge keys in live slices' descriptions (ground truth of ownership). */
export function markedKeys(rows: PlcRows, nowMs: number): string[] {
  return liveSlices(rows, nowMs)
    .map((s) => /\[converge owner=\S+ key=(\S+)\]$/.exec(s.description ?? '')?.[1])
    .filter((k): k is string => k !== undefined)
    .map(decodeURIComponent)
    .sort();
}

const timings = new WeakMap<RunEvent, number>();

/** explain summarises a run for assertion messages: each object's result and the run's events. */
export function explain(report: RunReport & { events: RunEvent[] }): string {
  const objects = report.objects.map((o) => `${o.key}: ${o.result}${o.reason ? ` (${o.reason})` : ''}`);
  const events = report.events.filter((e) => e.type !== 'pass').map((e) => `+${timings.get(e) ?? '?'}ms ${JSON.stringify(e).slice(0, 240)}`);
  return ['', ...objects, ...events].join('\n');
}

/** EmbeddedPlanetLab is what an embedded simulator saved under a manifests dir's .converge/sim/. */
export interface EmbeddedPlanetLab {
  clockMs: number;
  plc: { slices: PlcRows['slices'] };
  nodes: Array<{ hostname: string; accounts: Array<{ name: string; kind: string; running: boolean }> }>;
}

/** embeddedPlanetLab reads the state file of the embedded simulator of Backend `backend`. */
export async function embeddedPlanetLab(dir: string, backend: string): Promise<EmbeddedPlanetLab> {
  const { readFile } = await import('node:fs/promises');
  return JSON.parse(await readFile(join(dir, '.converge', 'sim', `${backend}.planetlab.json`), 'utf8')) as EmbeddedPlanetLab;
}
