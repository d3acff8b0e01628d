/**
 * SR.create, SR.destroy and SR.forget (xenapi.md §3): create makes the SR and a plugged PBD on
 * the host; destroy and forget are refused with `SR_HAS_PBD [sr]` while a PBD is attached, and
 * otherwise remove the SR with its PBDs and VDI records.
 */
import type { SimContext } from '../dispatch/context.js';
import { XenApiError } from '../wire/errors.js';
import { destroyVdi } from './vdis.js';

export interface SrCreateArgs {
  host: string;
  device_config: Record<string, string>;
  physical_size: number;
  name_label: string;
  name_description: string;
  type: string;
  content_type: string;
  shared: boolean;
  sm_config: Record<string, string>;
}

export function createSr(ctx: SimContext, args: SrCreateArgs): string {
  ctx.store.require('host', args.host);
  const { host, device_config, ...fields } = args;
  const sr = ctx.store.create('SR', fields);
  ctx.store.create('PBD', { host, SR: sr, device_config, currently_attached: true });
  return sr;
}

export function removeSr(ctx: SimContext, ref: string): void {
  const sr = ctx.store.require('SR', ref);
  const pbds = [...(sr.PBDs as string[])];
  if (pbds.some((pbd) => ctx.store.get('PBD', pbd)?.currently_attached === true)) throw new XenApiError('SR_HAS_PBD', [ref]);
  for (const vdi of [...(sr.VDIs as string[])]) if (ctx.store.get('VDI', vdi)) destroyVdi(ctx, vdi);
  for (const pbd of pbds) if (ctx.store.get('PBD', pbd)) ctx.store.destroy('PBD', pbd);
  ctx.store.destroy('SR', ref);
}
