/**
 * VDI bookkeeping shared by VDI.*, VM.clone/copy/snapshot/provision and suspend (xenapi.md §3, §4):
 * - a new VDI's `location` is its uuid (what ext/lvm SRs report);
 * - clone and snapshot stay in the source's SR, copy goes to the given SR;
 * - destroy deletes the VBDs that point at the VDI and clears any VM.suspend_VDI naming it.
 */
import type { SimContext } from '../dispatch/context.js';
import type { Row } from '../schema/types.js';
import { NULL_REF, XenApiError } from '../wire/errors.js';

export function createVdi(ctx: SimContext, fields: Partial<Row>): string {
  const uuid = ctx.store.ids.uuid();
  return ctx.store.create('VDI', { ...fields, uuid, location: uuid });
}

export type VdiCopyMode = 'clone' | 'copy' | 'snapshot';

const COPIED_FIELDS = ['name_label', 'name_description', 'virtual_size', 'type', 'sharable', 'read_only', 'other_config', 'xenstore_data', 'sm_config', 'tags', 'on_boot', 'allow_caching'];

/** copyVdi makes a new VDI from `source`: in `sr` for a copy, in the source's SR otherwise. */
export function copyVdi(ctx: SimContext, source: string, mode: VdiCopyMode, sr?: string): string {
  const row = ctx.store.require('VDI', source);
  const fields: Partial<Row> = {};
  for (const name of COPIED_FIELDS) if (row[name] !== undefined) fields[name] = row[name];
  fields.SR = mode === 'copy' && sr ? sr : row.SR;
  fields.physical_utilisation = mode === 'copy' ? row.physical_utilisation : 0;
  if (mode === 'snapshot') {
    Object.assign(fields, { is_a_snapshot: true, snapshot_of: source, snapshot_time: ctx.now() });
  }
  return createVdi(ctx, fields);
}

/** assertVdiNotInUse: `VDI_IN_USE [vdi, op]` while a VBD has it currently attached. */
export function assertVdiNotInUse(ctx: SimContext, ref: string, op: string): void {
  const vdi = ctx.store.require('VDI', ref);
  const attached = (vdi.VBDs as string[]).some((vbd) => ctx.store.get('VBD', vbd)?.currently_attached === true);
  if (attached) throw new XenApiError('VDI_IN_USE', [ref, op]);
}

export function destroyVdi(ctx: SimContext, ref: string): void {
  const vdi = ctx.store.require('VDI', ref);
  for (const vbd of [...(vdi.VBDs as string[])]) if (ctx.store.get('VBD', vbd)) ctx.store.destroy('VBD', vbd);
  for (const [vmRef, vm] of ctx.store.entries('VM')) {
    if (vm.suspend_VDI === ref) ctx.store.update('VM', vmRef, { suspend_VDI: NULL_REF });
  }
  ctx.store.destroy('VDI', ref);
}

/** isIsoSr: the SR holds ISO images (content_type iso), so VM disks may not be copied there. */
export function isIsoSr(ctx: SimContext, sr: string): boolean {
  const row = ctx.store.get('SR', sr);
  return row?.content_type === 'iso' || row?.type === 'iso';
}
