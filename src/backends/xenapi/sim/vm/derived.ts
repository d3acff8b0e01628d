/**
 * Derived fields, recomputed after every call and task step for the rows that changed:
 * allowed_operations of VMs, VBDs, VIFs and VDIs, VM memory_overhead, SR usage figures and the
 * host's free memory. Recomputing writes only differences, so the loop settles.
 */
import type { SimContext } from '../dispatch/context.js';
import { NULL_REF } from '../wire/errors.js';
import { memoryOverhead } from './boot-checks.js';
import { hostFreeMemory } from './placement.js';
import { vmOperationRefusal } from './check-operation.js';
import { VM_OPERATIONS } from './operations.js';

/** Operations xapi does not list in allowed_operations (internal, or always allowed). */
const UNLISTED: ReadonlySet<string> = new Set([
  'assert_operation_valid', 'send_sysrq', 'send_trigger', 'call_plugin', 'revert', 'power_state_reset', 'metadata_export',
  'changing_shadow_memory', 'changing_NVRAM', 'create_vtpm', 'shutdown',
]);
const LISTED_VM_OPS = VM_OPERATIONS.filter((op) => !UNLISTED.has(op));

function refreshVm(ctx: SimContext, ref: string): void {
  const vm = ctx.store.get('VM', ref);
  if (!vm) return;
  const allowed = LISTED_VM_OPS.filter((op) => vmOperationRefusal(ctx, ref, op) === undefined);
  ctx.store.update('VM', ref, { allowed_operations: allowed, memory_overhead: vm.is_control_domain ? vm.memory_overhead : memoryOverhead(vm) });
}

function refreshDevice(ctx: SimContext, cls: 'VBD' | 'VIF', ref: string): void {
  const row = ctx.store.get(cls, ref);
  if (!row) return;
  const state = ctx.store.get('VM', String(row.VM))?.power_state;
  const ops: string[] = [];
  if (state === 'Running') ops.push(...(row.currently_attached === true ? ['unplug', 'unplug_force'] : ['plug']));
  if (state === 'Halted') ops.push('attach');
  if (cls === 'VBD' && row.type === 'CD' && (state === 'Halted' || state === 'Running')) ops.push(row.empty === true ? 'insert' : 'eject');
  ctx.store.update(cls, ref, { allowed_operations: ops });
}

function refreshVdi(ctx: SimContext, ref: string): void {
  const vdi = ctx.store.get('VDI', ref);
  if (!vdi) return;
  const attached = (vdi.VBDs as string[]).some((vbd) => ctx.store.get('VBD', vbd)?.currently_attached === true);
  const ops = attached ? ['clone', 'copy', 'snapshot', 'update'] : ['clone', 'copy', 'destroy', 'forget', 'resize', 'snapshot', 'update', 'generate_config'];
  ctx.store.update('VDI', ref, { allowed_operations: ops });
}

function refreshSr(ctx: SimContext, ref: string): void {
  const sr = ctx.store.get('SR', ref);
  if (!sr) return;
  let virtual = 0;
  let physical = 0;
  for (const vdi of sr.VDIs as string[]) {
    const row = ctx.store.get('VDI', vdi);
    virtual += Number(row?.virtual_size ?? 0);
    physical += Number(row?.physical_utilisation ?? 0);
  }
  ctx.store.update('SR', ref, { virtual_allocation: virtual, physical_utilisation: physical });
}

function refreshHost(ctx: SimContext, ref: string): void {
  const host = ctx.store.get('host', ref);
  const metrics = String(host?.metrics ?? NULL_REF);
  if (ctx.store.get('host_metrics', metrics)) ctx.store.update('host_metrics', metrics, { memory_free: hostFreeMemory(ctx, ref) });
}

/** refreshDerived recomputes what depends on the rows changed since the last refresh. */
export function refreshDerived(ctx: SimContext): void {
  for (let round = 0; round < 5; round++) {
    const touched = ctx.store.takeTouched();
    if (touched.length === 0) return;
    const work: Work = { VM: new Set(), VBD: new Set(), VIF: new Set(), VDI: new Set(), SR: new Set(), host: new Set() };
    for (const [cls, ref] of touched) collect(ctx, work, cls, ref);
    work.VM.forEach((ref) => refreshVm(ctx, ref));
    work.VBD.forEach((ref) => refreshDevice(ctx, 'VBD', ref));
    work.VIF.forEach((ref) => refreshDevice(ctx, 'VIF', ref));
    work.VDI.forEach((ref) => refreshVdi(ctx, ref));
    work.SR.forEach((ref) => refreshSr(ctx, ref));
    work.host.forEach((ref) => refreshHost(ctx, ref));
  }
}

type Work = Record<'VM' | 'VBD' | 'VIF' | 'VDI' | 'SR' | 'host', Set<string>>;

/** collect: a VM that changed (or went away) moves the memory ledger, and the hosts it left or holds get memory_free again. */
function collect(ctx: SimContext, work: Work, cls: string, ref: string): void {
  if (cls === 'VM') syncHostMemory(ctx, work, ref);
  const row = ctx.store.get(cls, ref);
  if (!row) return;
  if (cls === 'VM') {
    work.VM.add(ref);
    (row.VBDs as string[]).forEach((r) => work.VBD.add(r));
    (row.VIFs as string[]).forEach((r) => work.VIF.add(r));
  } else if (cls === 'VBD') {
    work.VBD.add(ref);
    work.VDI.add(String(row.VDI));
  } else if (cls === 'VIF') {
    work.VIF.add(ref);
  } else if (cls === 'VDI') {
    work.VDI.add(ref);
    work.SR.add(String(row.SR));
  } else if (cls === 'SR') {
    work.SR.add(ref);
  } else if (cls === 'host') {
    work.host.add(ref);
  }
}

function syncHostMemory(ctx: SimContext, work: Work, ref: string): void {
  const before = ctx.hostMemory.hostOf(ref);
  ctx.hostMemory.sync(ref);
  const after = ctx.hostMemory.hostOf(ref);
  if (before) work.host.add(before);
  if (after) work.host.add(after);
}
