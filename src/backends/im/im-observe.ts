/**
 * Observing IM: one GetInfrastructureList filtered by our owner marker, then per infrastructure
 * GetInfrastructureRADL (marker, networks, system definitions, recipes) and
 * GetInfrastructureState (VM ids and states) in parallel, then GetVMInfo per VM (system, cpu,
 * memory as the cloud reports them). Concurrency is bounded by the client's socket pool.
 * GetInfrastructureContMsg is read only for infrastructures that are degraded or failed.
 */
import { isKind } from '../../errors/converge-error.js';
import { mapLimit } from '../../engine/semaphore.js';
import type { ObjectStatus, ObservedObject } from '../driver.js';
import type { ImApi, ImInfrastructureState } from './im-api.js';
import { normaliseRecipe, toMegabytes, type ImSpec, type ImSystem } from './im-spec.js';
import { feature, readRadl, type RadlSentence } from './radl-read.js';
import { MARKER_ID, ownerFilter } from './radl-write.js';
import { parseRadlSize } from './radl-units.js';

/** ImVm is what observe learns about one VM; kept in ObservedObject.detail for update. */
export interface ImVm {
  id: number;
  system: string;
  state: string;
  cpu: number;
  memoryMB: number;
}

export interface ImDetail {
  infId: string;
  vms: ImVm[];
}

/**
 * observeIm reads at most `parallel` infrastructures at a time: enough to keep the client's
 * sockets busy, few enough that thousands of infrastructures do not all hold replies in memory.
 */
export async function observeIm(api: ImApi, backend: string, owner: string, parallel: number, signal: AbortSignal): Promise<ObservedObject[]> {
  const ids = await api.list(ownerFilter(owner), signal);
  const found = await mapLimit(ids, parallel, (id) => observeOne(api, backend, owner, id, signal));
  return markDuplicates(found.filter((o): o is ObservedObject => o !== undefined));
}

async function observeOne(api: ImApi, backend: string, owner: string, infId: string, signal: AbortSignal): Promise<ObservedObject | undefined> {
  try {
    const [radlText, state] = await Promise.all([api.radl(infId, signal), api.state(infId, signal)]);
    const sentences = readRadl(radlText);
    const marker = sentences.find((s) => s.keyword === 'description' && s.id === MARKER_ID);
    if (!marker || feature(marker, 'converge.owner')?.value !== owner) return undefined;
    const key = String(feature(marker, 'converge.key')?.value ?? '');
    if (state.state === 'deleting') return undefined;
    const vms = await readVms(api, infId, state, signal);
    const spec = specFrom(sentences, vms);
    const status = await statusOf(api, infId, state, vms, spec, signal);
    return { key, kind: 'Infrastructure', backend, ids: { infId }, spec: spec as never, status, detail: { infId, vms } satisfies ImDetail };
  } catch (error) {
    // Destroyed between the list and the reads: it is simply not there any more.
    if (isKind(error, 'NOT_FOUND')) return undefined;
    throw error;
  }
}

async function readVms(api: ImApi, infId: string, state: ImInfrastructureState, signal: AbortSignal): Promise<ImVm[]> {
  const ids = Object.keys(state.vmStates).map(Number).sort((a, b) => a - b);
  const vms = await Promise.all(
    ids.map(async (id) => {
      const info = readRadl(await api.vmInfo(infId, String(id), signal)).find((s) => s.keyword === 'system');
      if (!info) return undefined;
      return { id, system: info.id, state: state.vmStates[String(id)] ?? 'unknown', cpu: Number(feature(info, 'cpu.count')?.value ?? 0), memoryMB: memoryOf(info) };
    }),
  );
  return vms.filter((v): v is ImVm => v !== undefined);
}

function memoryOf(system: RadlSentence): number {
  const f = feature(system, 'memory.size');
  return f && typeof f.value === 'number' ? toMegabytes(parseRadlSize(f.value, f.unit)) : 0;
}

function specFrom(sentences: RadlSentence[], vms: ImVm[]): ImSpec {
  const recipes = new Map(sentences.filter((s) => s.keyword === 'configure').map((s) => [s.id, normaliseRecipe(s.recipe)]));
  const spec: ImSpec = { networks: {}, systems: {}, deploy: {}, power: null };
  for (const s of sentences.filter((x) => x.keyword === 'network')) {
    const outports = feature(s, 'outports')?.value;
    spec.networks[s.id] = { outbound: feature(s, 'outbound')?.value === 'yes', outports: typeof outports === 'string' && outports ? outports.split(',') : [] };
  }
  for (const s of sentences.filter((x) => x.keyword === 'system')) {
    const mine = vms.filter((v) => v.system === s.id);
    spec.systems[s.id] = systemFrom(s, mine, recipes.get(s.id) ?? null);
    spec.deploy[s.id] = mine.length;
  }
  if (vms.length > 0) {
    const stopped = vms.filter((v) => v.state === 'stopped').length;
    spec.power = stopped === vms.length ? 'stopped' : stopped === 0 ? 'running' : 'mixed';
  }
  return spec;
}

function systemFrom(s: RadlSentence, vms: ImVm[], configure: string | null): ImSystem {
  const text = (name: string): string | null => {
    const v = feature(s, name)?.value;
    return typeof v === 'string' ? v : null;
  };
  const system: ImSystem = { arch: text('cpu.arch'), image: text('disk.0.image.url') ?? '', disks: [], interfaces: [], configure };
  for (let i = 0; text(`net_interface.${i}.connection`) !== null; i += 1) {
    system.interfaces.push({ network: text(`net_interface.${i}.connection`)!, dnsName: text(`net_interface.${i}.dns_name`) });
  }
  for (let i = 1; feature(s, `disk.${i}.size`); i += 1) {
    const size = feature(s, `disk.${i}.size`)!;
    system.disks.push({ sizeBytes: parseRadlSize(Number(size.value), size.unit), mountPath: text(`disk.${i}.mount_path`), fstype: text(`disk.${i}.fstype`) });
  }
  if (vms.length > 0) {
    // Observed per VM; if VMs disagree, report the one that differs from the first so it diffs.
    system.cpu = vms.find((v) => v.cpu !== vms[0]!.cpu)?.cpu ?? vms[0]!.cpu;
    system.memoryMB = vms.find((v) => v.memoryMB !== vms[0]!.memoryMB)?.memoryMB ?? vms[0]!.memoryMB;
  }
  return system;
}

async function statusOf(api: ImApi, infId: string, state: ImInfrastructureState, vms: ImVm[], spec: ImSpec, signal: AbortSignal): Promise<ObjectStatus> {
  const states = vms.map((v) => v.state);
  const bad = states.includes('failed') ? 'failed' : states.some((s) => s === 'unconfigured' || s === 'off' || s === 'unknown') ? 'degraded' : undefined;
  if (bad) {
    const message = await api.contMsg(infId, signal).catch(() => '');
    const which = vms.filter((v) => ['failed', 'unconfigured', 'off', 'unknown'].includes(v.state)).map((v) => `vm ${v.id} ${v.state}`);
    return { phase: bad, message: `${which.join(', ')}${message.trim() ? `\n${message.trim()}` : ''}` };
  }
  const settled = spec.power === 'stopped' ? states.every((s) => s === 'stopped') : states.every((s) => s === 'configured' || s === 'stopped');
  if (settled) return { phase: 'ready' };
  return { phase: 'progressing', message: `infrastructure ${state.state}; VMs ${states.join(', ') || 'none yet'}` };
}

/** markDuplicates: two infrastructures with one key must never be adopted silently. */
function markDuplicates(objects: ObservedObject[]): ObservedObject[] {
  const seen = new Set<string>();
  return objects
    .sort((a, b) => a.ids.infId!.localeCompare(b.ids.infId!))
    .map((o) => {
      if (!seen.has(o.key)) {
        seen.add(o.key);
        return o;
      }
      return { ...o, key: `${o.key}#duplicate-${o.ids.infId}`, status: { phase: 'degraded' as const, message: `a second infrastructure carries the key ${o.key}` } };
    });
}
