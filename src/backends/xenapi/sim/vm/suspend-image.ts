/**
 * The suspend image: suspend writes the domain's memory to a new VDI of type `suspend` (on the
 * VM's suspend_SR, else the pool's suspend_image_SR, else its default SR); resume and
 * hard_shutdown of a suspended VM destroy it and clear suspend_VDI.
 */
import type { SimContext } from '../dispatch/context.js';
import { createVdi, destroyVdi } from '../storage/vdis.js';
import { NULL_REF, XenApiError } from '../wire/errors.js';

function suspendSr(ctx: SimContext, vmRef: string): string {
  const vm = ctx.store.require('VM', vmRef);
  const pool = ctx.store.require('pool', ctx.poolRef());
  const candidates = [vm.suspend_SR, pool.suspend_image_SR, pool.default_SR].map(String);
  const sr = candidates.find((ref) => ref !== NULL_REF && ctx.store.get('SR', ref));
  if (!sr) throw new XenApiError('VM_NO_SUSPEND_SR', [vmRef]);
  return sr;
}

export function createSuspendImage(ctx: SimContext, vmRef: string): string {
  const vm = ctx.store.require('VM', vmRef);
  return createVdi(ctx, {
    name_label: 'Suspend image',
    name_description: `Suspend image of ${String(vm.name_label)}`,
    SR: suspendSr(ctx, vmRef),
    virtual_size: Number(vm.memory_static_max) + 4 * 1024 * 1024,
    physical_utilisation: Number(vm.memory_static_max),
    type: 'suspend',
    sharable: false,
    read_only: false,
    other_config: {},
  });
}

export function dropSuspendImage(ctx: SimContext, vmRef: string): void {
  const image = String(ctx.store.require('VM', vmRef).suspend_VDI);
  if (image === NULL_REF) return;
  ctx.store.update('VM', vmRef, { suspend_VDI: NULL_REF });
  if (ctx.store.get('VDI', image)) destroyVdi(ctx, image);
}
