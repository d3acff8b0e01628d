/**
 * Observing IM: one GetInfrastructureList filtered by our owner marker, then per infrastructure
 * GetInfrastructureState (VM ids and states; IM refreshes every VM from the cloud on this call),
 * then ExportInfrastructure (read-only: the stored RADL with marker, networks, systems and
 * recipes, and every VM's RADL with system, cpu, memory and addresses as the cloud reports them;
 * im-export.ts). Two calls per infrastructure whatever its VM count. Where the export cannot be
 * read (an unexpected shape or error), the same facts come from GetInfrastructureRADL and one
 * GetVMInfo per VM, as before. Concurrency is bounded by the client's socket pool.
 * GetInfrastructureContMsg is read only for infrastructures that are degraded or failed.
 *
 * A listed infrastructure is present whatever its VMs answer (apis/im.md §g): while IM is still
 * creating or changing it, its VM list is partial and grows, and a VM that GetInfrastructureState
 * lists may have no RADL yet (GetVMInfo answers `Invalid VM ID`, the export lacks it). Such a VM
 * is a transient fact of that VM: the infrastructure is reported `changing` (no mutating call
 * until it settles), never absent.
 */
import { isKind } from '../../errors/converge-error.js';
import { mapLimit } from '../../engine/semaphore.js';
import type { AccessFacts, ObjectStatus, ObservedObject } from '../driver.js';
import type { ImApi, ImInfrastructureState } from './im-api.js';
import { normaliseRecipe, toMegabytes, type ImSpec, type ImSystem } from './im-spec.js';
import { FAKE_SYSTEM } from './im-export.js';
import { feature, readRadl, type RadlSentence } from './radl-read.js';
import { keyFilter, MARKER_ID, ownerFilter } from './radl-write.js';
import { parseRadlSize } from './radl-units.js';
import { own } from '../../util/own-string.js';

/** ImVm is what observe learns about one VM; kept in ObservedObject.detail for update. */
export interface ImVm {
  id: number;
  system: string;
  state: string;
  cpu: number;
  memoryMB: number;
  /** addresses are the VM's `net_interface.N.ip` (and `.dns_name`) as GetVMInfo reports them. */
  addresses: Array<{ ip: string; dnsName?: string }>;
}

export interface ImDetail {
  infId: string;
  /** vms are the VMs that could be read; `listed` counts every VM id GetInfrastructureState gave. */
  vms: ImVm[];
  listed: number;
  /** unreadable are VM ids listed whose GetVMInfo answered Invalid VM ID / Deleted VM. */
  unreadable: number[];
}

/**
 * observeIm reads at most `parallel` infrastructures at a time: enough to keep the client's
 * sockets busy, few enough that thousands of infrastructures do not all hold replies in memory.
 */
export async function observeIm(api: ImApi, backend: string, owner: string, parallel: number, signal: AbortSignal, desiredKeys: readonly string[] = []): Promise<ObservedObject[]> {
  const ids = await api.list(ownerFilter(owner), signal);
  const found = (await mapLimit(ids, parallel, (id) => observeOne(api, backend, owner, id, signal).then((o) => (o.found === 'ours' ? o.object : undefined)))).filter(
    (o): o is ObservedObject => o !== undefined,
  );
  const foundKeys = new Set(found.map((o) => o.key));
  const missing = desiredKeys.filter((key) => !foundKeys.has(key));
  return missing.length === 0 ? found : [...found, ...(await otherOwners(api, backend, owner, missing, new Set(ids), signal))];
}

/**
 * otherOwners finds infrastructures whose marker carries one of `keys` under another owner (a
 * second state, e.g. another checkout): one filtered list, and a RADL read per match. Only done
 * for keys this owner would otherwise create, so a steady state costs nothing extra.
 */
async function otherOwners(api: ImApi, backend: string, owner: string, keys: readonly string[], ours: ReadonlySet<string>, signal: AbortSignal): Promise<ObservedObject[]> {
  const ids = (await api.list(keyFilter(keys), signal)).filter((id) => !ours.has(id));
  const found = await Promise.all(
    ids.map(async (infId): Promise<ObservedObject | undefined> => {
      const text = await api.radl(infId, signal).catch((error: unknown) => {
        if (isKind(error, 'NOT_FOUND')) return ''; // destroyed since the list
        throw error;
      });
      const marker = readRadl(text).find((s) => s.keyword === 'description' && s.id === MARKER_ID);
      if (!marker) return undefined;
      const key = String(feature(marker, 'converge.key')?.value ?? '');
      const other = feature(marker, 'converge.owner')?.value;
      if (!keys.includes(key) || typeof other !== 'string' || other === owner) return undefined;
      return { key, kind: 'Infrastructure', backend, ids: { infId }, spec: {}, status: { phase: 'ready' }, foreignOwner: other };
    }),
  );
  return found.filter((o): o is ObservedObject => o !== undefined);
}

/** ObserveOneResult: our object, another owner's (or unmarked) infrastructure, or gone. */
export type ObserveOneResult = { found: 'ours'; object: ObservedObject } | { found: 'foreign' | 'gone' | 'deleting'; evidence: string };

/** observeOne reads one infrastructure by id; a NOT_FOUND answer means it is gone, nothing else does. */
export async function observeOne(api: ImApi, backend: string, owner: string, infId: string, signal: AbortSignal): Promise<ObserveOneResult> {
  let state: ImInfrastructureState;
  let source: InfraSource;
  try {
    // The state first: IM refreshes each VM from the cloud on this call, so the export after it
    // carries the refreshed VM RADL (as a GetVMInfo at that moment would).
    state = await api.state(infId, signal);
    source = await readSource(api, infId, signal);
  } catch (error) {
    if (isKind(error, 'NOT_FOUND')) return { found: 'gone', evidence: error.message };
    throw error;
  }
  const sentences = withoutPlaceholders(readRadl(source.radl));
  const marker = sentences.find((s) => s.keyword === 'description' && s.id === MARKER_ID);
  if (!marker || feature(marker, 'converge.owner')?.value !== owner) return { found: 'foreign', evidence: `infrastructure ${infId} does not carry this owner's marker` };
  if (state.state === 'deleting') return { found: 'deleting', evidence: `infrastructure ${infId} is being destroyed` };
  const key = own(String(feature(marker, 'converge.key')?.value ?? ''));
  const read = await readVms(api, infId, state, source, signal);
  const spec = specFrom(sentences, read.vms);
  const status = await statusOf(api, infId, state, read, spec, signal);
  const detail: ImDetail = { infId, vms: read.vms, listed: Object.keys(state.vmStates).length, unreadable: read.unreadable };
  const access = accessOf(read.vms);
  return { found: 'ours', object: { key, kind: 'Infrastructure', backend, ids: { infId }, spec: spec as never, status, detail, ...(access ? { access } : {}) } };
}

/** InfraSource: the stored RADL, and the VMs' RADL when the export gave them (else read per VM). */
interface InfraSource {
  radl: string;
  vmInfo?: Map<number, string>;
}

/**
 * readSource reads the export; an answer that is not IM's serialization, or an error other than
 * the infrastructure being gone, a refusal or a transient one, falls back to GetInfrastructureRADL.
 */
async function readSource(api: ImApi, infId: string, signal: AbortSignal): Promise<InfraSource> {
  let exported: InfraSource | undefined;
  try {
    exported = await api.exportInfrastructure(infId, signal);
  } catch (error) {
    if (!isKind(error, 'TERMINAL') && !isKind(error, 'INVALID')) throw error;
  }
  return exported ?? { radl: await api.radl(infId, signal) };
}

/** withoutPlaceholders drops IM's private-network placeholder systems and deploys, as GetInfrastructureRADL does. */
function withoutPlaceholders(sentences: RadlSentence[]): RadlSentence[] {
  return sentences.filter((s) => !((s.keyword === 'system' || s.keyword === 'deploy') && s.id.startsWith(FAKE_SYSTEM)));
}

interface VmReads {
  vms: ImVm[];
  unreadable: number[];
}

async function readVms(api: ImApi, infId: string, state: ImInfrastructureState, source: InfraSource, signal: AbortSignal): Promise<VmReads> {
  const ids = Object.keys(state.vmStates).map(Number).sort((a, b) => a - b);
  const unreadable: number[] = [];
  const vms = await Promise.all(
    ids.map(async (id) => {
      const text = source.vmInfo ? source.vmInfo.get(id) : await vmInfoOrUndefined(api, infId, id, signal);
      if (text === undefined) {
        // Listed but not readable yet (still launching) or removed in between: a fact of this VM.
        unreadable.push(id);
        return undefined;
      }
      const info = readRadl(text).find((s) => s.keyword === 'system');
      if (!info) return undefined;
      return { id, system: own(info.id), state: state.vmStates[String(id)] ?? 'unknown', cpu: Number(feature(info, 'cpu.count')?.value ?? 0), memoryMB: memoryOf(info), addresses: addressesOf(info) };
    }),
  );
  return { vms: vms.filter((v): v is ImVm => v !== undefined), unreadable: unreadable.sort((a, b) => a - b) };
}

/** vmInfoOrUndefined is GetVMInfo; `Invalid VM ID` / `Deleted VM.` give undefined. */
async function vmInfoOrUndefined(api: ImApi, infId: string, id: number, signal: AbortSignal): Promise<string | undefined> {
  try {
    return await api.vmInfo(infId, String(id), signal);
  } catch (error) {
    if (!isKind(error, 'NOT_FOUND')) throw error;
    return undefined;
  }
}

/** addressesOf reads `net_interface.N.ip` for every interface index GetVMInfo printed. */
function addressesOf(system: RadlSentence): ImVm['addresses'] {
  const out: ImVm['addresses'] = [];
  for (let i = 0; i < 64; i += 1) {
    const ip = feature(system, `net_interface.${i}.ip`)?.value;
    const dns = feature(system, `net_interface.${i}.dns_name`)?.value;
    if (ip === undefined && feature(system, `net_interface.${i}.connection`) === undefined) break;
    if (typeof ip === 'string' && ip !== '') out.push({ ip: own(ip), ...(typeof dns === 'string' && dns !== '' ? { dnsName: own(dns) } : {}) });
  }
  return out;
}

/** accessOf lists each VM's addresses as `vm <id> (<system>)`. */
function accessOf(vms: readonly ImVm[]): AccessFacts | undefined {
  const addresses = vms.flatMap((vm) => vm.addresses.map((a) => ({ of: `vm ${vm.id} (${vm.system})`, ...a })));
  return addresses.length > 0 ? { addresses } : undefined;
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
    spec.networks[own(s.id)] = { outbound: feature(s, 'outbound')?.value === 'yes', outports: typeof outports === 'string' && outports ? outports.split(',').map(own) : [] };
  }
  for (const s of sentences.filter((x) => x.keyword === 'system')) {
    const mine = vms.filter((v) => v.system === s.id);
    const id = own(s.id);
    spec.systems[id] = systemFrom(s, mine, recipes.get(s.id) ?? null);
    spec.deploy[id] = mine.length;
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
    return typeof v === 'string' ? own(v) : null;
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
    // Observed per VM. When the VMs disagree no single value is true of the system: it is left
    // unset, so whatever is desired differs and the update resizes the VMs that differ. (Reporting
    // one of the values instead missed a resized first VM: the other VMs' value was reported.)
    const cpu = vms[0]!.cpu;
    const memoryMB = vms[0]!.memoryMB;
    if (vms.every((v) => v.cpu === cpu)) system.cpu = cpu;
    if (vms.every((v) => v.memoryMB === memoryMB)) system.memoryMB = memoryMB;
  }
  return system;
}

/** CHANGING_STATES: IM is still carrying out a change (launch, contextualization). */
const CHANGING_STATES = new Set(['pending', 'running']);

async function statusOf(api: ImApi, infId: string, state: ImInfrastructureState, read: VmReads, spec: ImSpec, signal: AbortSignal): Promise<ObjectStatus> {
  const { vms } = read;
  const states = vms.map((v) => v.state);
  const launching = Object.entries(state.vmStates).filter(([, s]) => CHANGING_STATES.has(s)).map(([id]) => id);
  if (state.state === 'pending' || read.unreadable.length > 0 || launching.length > 0) {
    const unread = read.unreadable.length > 0 ? `; VM(s) ${idList(read.unreadable)} listed but not readable yet` : '';
    const busy = launching.length > 0 ? `; VM(s) ${idList(launching)} pending or being configured` : '';
    return { phase: 'progressing', changing: true, message: `IM is still changing infrastructure ${infId} (${state.state}, ${Object.keys(state.vmStates).length} VM(s) listed${busy}${unread})` };
  }
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


function idList(ids: ReadonlyArray<string | number>): string {
  return ids.length <= 5 ? ids.join(',') : `${ids.slice(0, 5).join(',')} and ${ids.length - 5} more`;
}
