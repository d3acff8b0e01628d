/**
 * Memory and VCPUs (xenapi.md §3, §4). On a halted VM everything is set directly:
 * `set_memory_limits(static_min, static_max, dynamic_min, dynamic_max)` and `set_VCPUs_max` /
 * `set_VCPUs_at_startup` in a legal order (max first when raising, at-startup first when
 * lowering). On a running VM only what xapi allows live is changed: the dynamic range within the
 * static one, and VCPUs_at_startup up to VCPUs_max. The rest needs the VM halted: `haltNeeds`
 * names it, and realize either restarts the VM (updatePolicy: restart) or refuses.
 */
import { repeat, type Actor } from './actor.js';
import type { XenVm } from '../api/records.js';
import type { XenVmSpec } from '../xen-spec.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const human = (bytes: number): string => (bytes % GiB === 0 ? `${bytes / GiB}Gi` : bytes % MiB === 0 ? `${bytes / MiB}Mi` : `${bytes}B`);

/** haltNeeds lists the changes a running VM cannot take live, in words for the error message. */
export function haltNeeds(vm: XenVm, spec: XenVmSpec): string[] {
  const needs: string[] = [];
  if (spec.memory > vm.memory.staticMax) needs.push(`memory ${human(spec.memory)} is above the static maximum ${human(vm.memory.staticMax)}`);
  if (spec.memoryMin < vm.memory.staticMin) needs.push(`memory ${human(spec.memoryMin)} is below the static minimum ${human(vm.memory.staticMin)}`);
  if (spec.vcpus !== vm.vcpusMax) needs.push(`VCPUs_max ${vm.vcpusMax} → ${spec.vcpus}`);
  return needs;
}

export async function applySettings(actor: Actor, vm: XenVm, spec: XenVmSpec, halted: boolean): Promise<void> {
  if (halted) await haltedMemory(actor, vm, spec);
  else await liveMemory(actor, vm, spec);
  await vcpus(actor, vm, spec, halted);
}

async function haltedMemory(actor: Actor, vm: XenVm, spec: XenVmSpec): Promise<void> {
  const m = vm.memory;
  const staticMin = Math.min(m.staticMin, spec.memoryMin);
  if (m.staticMin === staticMin && m.staticMax === spec.memory && m.dynamicMin === spec.memoryMin && m.dynamicMax === spec.memory) return;
  const values = [staticMin, spec.memory, spec.memoryMin, spec.memory].map(String);
  await repeat(actor, 'VM.set_memory_limits', `vm ${vm.uuid} memory ${human(spec.memory)}`, [vm.ref, ...values]);
}

async function liveMemory(actor: Actor, vm: XenVm, spec: XenVmSpec): Promise<void> {
  const m = vm.memory;
  if (m.dynamicMin === spec.memoryMin && m.dynamicMax === spec.memory) return;
  if (spec.memoryMin < m.staticMin || spec.memory > m.staticMax) return;
  await repeat(actor, 'VM.set_memory_dynamic_range', `vm ${vm.uuid} memory ${human(spec.memory)}`, [vm.ref, String(spec.memoryMin), String(spec.memory)]);
}

async function vcpus(actor: Actor, vm: XenVm, spec: XenVmSpec, halted: boolean): Promise<void> {
  const target = `vm ${vm.uuid} vcpus ${spec.vcpus}`;
  let max = vm.vcpusMax;
  let atStartup = vm.vcpusAtStartup;
  const setMax = async (): Promise<void> => {
    await repeat(actor, 'VM.set_VCPUs_max', target, [vm.ref, String(spec.vcpus)]);
    max = spec.vcpus;
  };
  const setAtStartup = async (value: number): Promise<void> => {
    await repeat(actor, 'VM.set_VCPUs_at_startup', target, [vm.ref, String(value)]);
    atStartup = value;
  };
  if (halted && spec.vcpus > max) await setMax();
  if (halted && spec.vcpus < max) {
    if (atStartup > spec.vcpus) await setAtStartup(Math.min(spec.vcpusAtStartup, spec.vcpus));
    await setMax();
  }
  if (atStartup !== spec.vcpusAtStartup && spec.vcpusAtStartup <= max) await setAtStartup(spec.vcpusAtStartup);
}
