/**
 * VDI.create and VDI.resize checks (xenapi.md §4 "VDI rules"): the SR must exist, a size above
 * the SR's physical size is `SR_FULL [requested, maximum]`; resize of an attached VDI is
 * `VDI_IN_USE [vdi, "resize"]`, without a plugged PBD `SR_NO_PBDS [sr]`, and shrinking is refused
 * the way the ext/lvm backends refuse it (`SR_BACKEND_FAILURE_79`).
 */
import type { SimContext } from '../dispatch/context.js';
import type { Row } from '../schema/types.js';
import { XenApiError } from '../wire/errors.js';
import { assertVdiNotInUse, createVdi } from './vdis.js';

export function createVdiChecked(ctx: SimContext, record: Row): string {
  const sr = ctx.store.require('SR', String(record.SR));
  const size = Number(record.virtual_size);
  if (size > Number(sr.physical_size)) throw new XenApiError('SR_FULL', [String(size), String(sr.physical_size)]);
  return createVdi(ctx, record);
}

export function resizeVdi(ctx: SimContext, ref: string, size: number): void {
  const vdi = ctx.store.require('VDI', ref);
  assertVdiNotInUse(ctx, ref, 'resize');
  const srRef = String(vdi.SR);
  const plugged = (ctx.store.get('SR', srRef)?.PBDs as string[] | undefined)?.some((pbd) => ctx.store.get('PBD', pbd)?.currently_attached === true);
  if (!plugged) throw new XenApiError('SR_NO_PBDS', [srRef]);
  if (size < Number(vdi.virtual_size)) throw new XenApiError('SR_BACKEND_FAILURE_79', ['', 'VDI Invalid size [opterr=shrinking not allowed]', '']);
  ctx.store.update('VDI', ref, { virtual_size: size });
}
