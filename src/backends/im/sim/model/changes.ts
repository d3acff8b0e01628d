/**
 * Changes that take time, as on the real IM (im.md (g)): CreateInfrastructure (sync or async),
 * AddResource and RemoveResource of N VMs last `createBaseMs + N × createMsPerVm` on the virtual
 * clock (defaults 100 ms + 50 ms per VM: 3 VMs ≈ 0.25 s, 80 VMs ≈ 4.1 s, within what the real
 * server took). The VMs are handled one after the other, each in a slot of `createMsPerVm`:
 * a new VM is listed (`pending`) half-way through its slot and launched at its end; a removed VM
 * reads `deleting` until the end of its slot. So while a change runs the VM list is partial and
 * grows, and a VM that vm_states lists can still answer `Invalid VM ID`.
 *
 * Overlapping changes corrupt the infrastructure (`corruptConcurrentChanges`, on by default),
 * modelled on what the real server showed when AddResource / RemoveResource arrived while a
 * create or another change of the same infrastructure ran: duplicated VM ids in
 * GetInfrastructureInfo, and `Deleted VM.` for VMs that vm_states still showed `configured`.
 * The plausible mechanism, and the model: each change works on the copy of the infrastructure
 * it loaded when it started and saves that copy when it ends, so
 * - an AddResource numbers its VMs from the VM count the running change started from: its ids
 *   duplicate those the running change hands out; and the VMs a running RemoveResource is taking
 *   out stay listed (the add's save writes them back) while their VM calls answer `Deleted VM.`;
 * - a RemoveResource's VMs are finalized (VM calls answer `Deleted VM.`), but the running
 *   change's save lists them again with the state they had (`ghost` VMs).
 * With the knob off, overlapping changes simply apply in arrival order. Either way every
 * mutating call that arrives while a change of its infrastructure runs is recorded (overlaps.ts).
 */
import type { InfraRecord, RunningChange } from './types.js';

/** ChangeSettings: the timing and corruption knobs, read at each call (control methods change them). */
export interface ChangeSettings {
  createBaseMs: number;
  createMsPerVm: number;
  corruptConcurrentChanges: boolean;
}

export const DEFAULT_CHANGE_SETTINGS: Readonly<ChangeSettings> = { createBaseMs: 100, createMsPerVm: 50, corruptConcurrentChanges: true };

/** VmSlot: the instants of the k-th VM of a change. */
export interface VmSlot {
  listedAt: number;
  launchedAt: number;
}

/** ChangePlan gives the instants of a change of `count` VMs that starts now. */
export interface ChangePlan {
  startedAt: number;
  doneAt: number;
  slot(k: number): VmSlot;
}

export function planChange(settings: ChangeSettings, startedAt: number, count: number): ChangePlan {
  const base = Math.max(0, settings.createBaseMs);
  const perVm = Math.max(0, settings.createMsPerVm);
  return {
    startedAt,
    doneAt: startedAt + base + count * perVm,
    slot: (k) => ({ listedAt: startedAt + base + k * perVm + Math.floor(perVm / 2), launchedAt: startedAt + base + (k + 1) * perVm }),
  };
}

/** runningChange: the earliest-started change of `inf` still running at `now` (its view is the stalest). */
export function runningChange(inf: InfraRecord, now: number): RunningChange | undefined {
  return (inf.changes ?? []).filter((c) => c.doneAt > now).sort((a, b) => a.startedAt - b.startedAt)[0];
}

/** beginChange records a change on `inf`, forgetting those that have finished. */
export function beginChange(inf: InfraRecord, now: number, change: Omit<RunningChange, 'startedAt'> & { startedAt?: number }): void {
  const running = (inf.changes ?? []).filter((c) => c.doneAt > now);
  inf.changes = [...running, { ...change, startedAt: change.startedAt ?? now }];
}

/** isAdding: a create or an AddResource of `inf` is running (DestroyInfrastructure refuses then). */
export function isAdding(inf: InfraRecord, now: number): boolean {
  return (inf.changes ?? []).some((c) => c.doneAt > now && c.method !== 'RemoveResource');
}

/** corruptingChange: the running change an arriving change collides with, when corruption is on. */
export function corruptingChange(settings: ChangeSettings, inf: InfraRecord, now: number): RunningChange | undefined {
  return settings.corruptConcurrentChanges ? runningChange(inf, now) : undefined;
}

/** resurrectRemovals: the VMs a running RemoveResource takes out stay listed (the overlapping save wrote them back). */
export function resurrectRemovals(inf: InfraRecord, running: RunningChange): void {
  if (running.method !== 'RemoveResource') return;
  for (const vm of inf.vms) if (vm.destroyed && running.removing.includes(vm.imId)) vm.ghost = true;
}
