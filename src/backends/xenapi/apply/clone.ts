/**
 * Cloning a template into a VM that converge owns. `VM.clone` cannot carry a marker, so a clone
 * is unmarked until its marker is written: `converge.template`, `converge.arch`, `converge.key`
 * and `converge.owner`, in one `VM.set_other_config` for a fresh clone (markClone), else by
 * `VM.add_to_other_config` with the owner last (observe needs the owner, so a half-marked VM is
 * never half-adopted). Between the two a clone can only be recognised by its name, which is not
 * unique; so the clone's journal intent records the name and the uuids of the VMs that already
 * had it, and a clone is adopted only when exactly one unmarked VM with that name exists that
 * was not among them (never when it is ambiguous).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConvergeError } from '../../../errors/converge-error.js';
import type { XenApi } from '../api/xen-api.js';
import { repeat, type Actor } from './actor.js';
import { isXenCode } from '../api/errors.js';
import { MARK } from '../observe/inventory.js';
import type { XenTask, XenVm } from '../api/records.js';

export interface Marker {
  key: string;
  template: string;
  arch: string | null;
}

export interface CloneIntent {
  name: string;
  template: string;
  arch: string | null;
  before: string[];
}

export function cloneTarget(intent: CloneIntent): string {
  return JSON.stringify(intent);
}

export function parseCloneTarget(target: string): CloneIntent | undefined {
  try {
    const value = JSON.parse(target) as Partial<CloneIntent>;
    if (typeof value.name !== 'string' || typeof value.template !== 'string' || !Array.isArray(value.before)) return undefined;
    return { name: value.name, template: value.template, arch: typeof value.arch === 'string' ? value.arch : null, before: value.before.map(String) };
  } catch {
    return undefined;
  }
}

export function markTarget(ref: string, marker: Marker): string {
  return `vm ${ref} ${JSON.stringify(marker)}`;
}

export function parseMarkTarget(target: string): { ref: string; marker: Marker } | undefined {
  const match = /^vm (OpaqueRef:\S+) (\{.*\})$/.exec(target);
  if (!match) return undefined;
  try {
    const m = JSON.parse(match[2]!) as Partial<Marker>;
    if (typeof m.key !== 'string' || typeof m.template !== 'string') return undefined;
    return { ref: match[1]!, marker: { key: m.key, template: m.template, arch: typeof m.arch === 'string' ? m.arch : null } };
  } catch {
    return undefined;
  }
}

/** MARK_METHODS are the calls that write a clone's marker (their intents carry markTarget). */
export const MARK_METHODS: ReadonlySet<string> = new Set(['VM.add_to_other_config', 'VM.set_other_config']);

function markerEntries(actor: Actor, marker: Marker): Array<[string, string]> {
  const wanted: Array<[string, string]> = [[MARK.template, marker.template]];
  if (marker.arch !== null) wanted.push([MARK.arch, marker.arch]);
  wanted.push([MARK.key, marker.key], [MARK.owner, actor.owner]);
  return wanted;
}

/**
 * markClone marks a fresh clone with one `VM.set_other_config`: the map read in `vm` (the
 * template's, copied by the clone) plus every marker key. The write is all or nothing, so the
 * owner-last rule holds by construction, at one call instead of four. Nobody else can have
 * written to the map in between but someone looking for unmarked VMs of that name, who by the
 * rule above leaves them alone. A clone that already carries a marker key (a template converge
 * had marked) goes the careful way (markVm), so a foreign marker is still a conflict. Returns the
 * record with its marker, which later writes of other_config must start from.
 */
export async function markClone(actor: Actor, vm: XenVm, marker: Marker): Promise<XenVm> {
  const wanted = markerEntries(actor, marker);
  if (wanted.some(([name]) => vm.otherConfig[name] !== undefined)) {
    await markVm(actor, vm.ref, marker, vm.otherConfig);
    return actor.api.vm(vm.ref, actor.signal);
  }
  const otherConfig = { ...vm.otherConfig, ...Object.fromEntries(wanted) };
  await repeat(actor, 'VM.set_other_config', markTarget(vm.ref, marker), [vm.ref, otherConfig]);
  return { ...vm, otherConfig };
}

/** markVm writes the marker keys that are missing, owner last; a marker of another owner is a conflict. */
export async function markVm(actor: Actor, ref: string, marker: Marker, current: Record<string, string>): Promise<void> {
  const wanted = markerEntries(actor, marker);
  const target = markTarget(ref, marker);
  for (const [name, value] of wanted) {
    if (current[name] === value) continue;
    if (current[name] !== undefined) await repeat(actor, 'VM.remove_from_other_config', target, [ref, name]);
    try {
      await repeat(actor, 'VM.add_to_other_config', target, [ref, name, value]);
    } catch (error) {
      if (!isXenCode(error, 'MAP_DUPLICATE_KEY')) throw error;
      const now = await actor.api.vmOtherConfig(ref, actor.signal);
      if (now[name] !== value) throw new ConvergeError('CONFLICT', 'XEN_MARKER_CONFLICT', `VM ${ref}: other_config ${name} was set to "${now[name]}" by someone else`);
    }
  }
}

/** unmarkedClones lists the VMs named `name` without any converge owner that were not among `before`. */
export async function unmarkedClones(api: XenApi, name: string, before: readonly string[], signal: AbortSignal): Promise<XenVm[]> {
  const vms = await api.vms(`field "name__label" = "${name}"`, signal);
  return [...vms.values()].filter((vm) => !vm.otherConfig[MARK.owner] && !before.includes(vm.uuid));
}

/**
 * settleTasks waits (up to `limitMs`) until none of the tasks pending now and matching `which`
 * is still pending, so that an interrupted Async call has had its effect before we look for it.
 */
export async function settleTasks(api: XenApi, which: (task: XenTask) => boolean, signal: AbortSignal, limitMs = 30_000): Promise<void> {
  const watched = new Set([...(await api.pendingTasks(signal)).values()].filter(which).map((t) => t.ref));
  const deadline = Date.now() + limitMs;
  while (watched.size > 0 && Date.now() < deadline) {
    await sleep(50, undefined, { signal });
    const pending = await api.pendingTasks(signal);
    for (const ref of [...watched]) if (!pending.has(ref)) watched.delete(ref);
  }
}
