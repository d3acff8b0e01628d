/**
 * VBD rules (xenapi.md §4, after xapi_vbd_helpers and Xapi_vbd.create):
 * - create: a CD must be RO (`VBD_CDS_MUST_BE_READONLY []`); only a CD may be empty
 *   (`VBD_NOT_REMOVABLE_MEDIA ["in constructor"]`); RW on a read-only VDI is `VDI_READONLY [vdi]`;
 *   an unusable VDI type `VDI_INCOMPATIBLE_TYPE [vdi, type]`; userdevice must be a number or
 *   `autodetect` (`INVALID_DEVICE [dev]`) and free on the VM (`DEVICE_ALREADY_EXISTS [dev]`);
 *   device and currently_attached are ignored unless the VM is Suspended;
 * - plug/unplug need a Running VM (`VM_BAD_POWER_STATE [vm, "running", actual]`), then
 *   `DEVICE_ALREADY_ATTACHED/DETACHED [vbd]`, `VBD_NOT_UNPLUGGABLE [vbd]` (unplug only), HVM CDs
 *   and HVM guests without PV drivers refuse hotplug;
 * - eject/insert: `VM_BAD_POWER_STATE [vm, "halted, running", actual]`, `VBD_NOT_REMOVABLE_MEDIA
 *   [vbd]`, `VBD_IS_EMPTY [vbd]` / `VBD_NOT_EMPTY [vbd]`;
 * - destroy while attached: `OPERATION_NOT_ALLOWED ["VBD '<uuid>' still attached to '<vm uuid>'"]`.
 */
import type { SimContext } from '../dispatch/context.js';
import type { Row } from '../schema/types.js';
import { hasPvDrivers, isHvm } from '../vm/check-operation.js';
import { allowedVbdDevices, deviceName, usedDevices } from '../vm/devices.js';
import { NULL_REF, operationNotAllowed, XenApiError } from '../wire/errors.js';

const ATTACHABLE_VDI_TYPES = ['system', 'user', 'ephemeral', 'suspend', 'crashdump', 'metadata', 'rrd', 'pvs_cache'];
const HVM_CD = 'HVM CDROMs cannot be hotplugged/unplugged, only inserted or ejected';

export function createVbd(ctx: SimContext, record: Row): string {
  const vmRef = String(record.VM);
  const vm = ctx.store.require('VM', vmRef);
  const empty = record.empty === true;
  const vdiRef = empty ? NULL_REF : String(record.VDI);
  const vdi = empty ? undefined : ctx.store.require('VDI', vdiRef);
  if (record.type === 'CD' && record.mode === 'RW') throw new XenApiError('VBD_CDS_MUST_BE_READONLY', []);
  if (empty && record.type !== 'CD') throw new XenApiError('VBD_NOT_REMOVABLE_MEDIA', ['in constructor']);
  if (vdi?.read_only === true && record.mode === 'RW') throw new XenApiError('VDI_READONLY', [vdiRef]);
  if (vdi && !ATTACHABLE_VDI_TYPES.includes(String(vdi.type))) throw new XenApiError('VDI_INCOMPATIBLE_TYPE', [vdiRef, String(vdi.type)]);
  const userdevice = pickUserdevice(ctx, vmRef, String(record.userdevice));
  const suspended = vm.power_state === 'Suspended';
  return ctx.store.create('VBD', {
    ...record,
    VDI: vdiRef,
    userdevice,
    device: suspended ? record.device : '',
    currently_attached: suspended ? record.currently_attached : false,
  });
}

function pickUserdevice(ctx: SimContext, vmRef: string, requested: string): string {
  if (requested === 'autodetect') {
    const free = allowedVbdDevices(ctx, vmRef)[0];
    if (free === undefined) throw new XenApiError('INVALID_DEVICE', [requested]);
    return free;
  }
  if (!/^\d+$/.test(requested)) throw new XenApiError('INVALID_DEVICE', [requested]);
  if (usedDevices(ctx, vmRef, 'VBD').has(requested)) throw new XenApiError('DEVICE_ALREADY_EXISTS', [requested]);
  return requested;
}

function requireVmState(ctx: SimContext, vmRef: string, allowed: readonly string[]): Readonly<Row> {
  const vm = ctx.store.require('VM', vmRef);
  const state = String(vm.power_state).toLowerCase();
  if (!allowed.includes(state)) throw new XenApiError('VM_BAD_POWER_STATE', [vmRef, allowed.join(', '), state]);
  return vm;
}

export function plugVbd(ctx: SimContext, ref: string, plug: boolean, force = false): void {
  const vbd = ctx.store.require('VBD', ref);
  const vm = requireVmState(ctx, String(vbd.VM), ['running']);
  if (plug && vbd.currently_attached === true) throw new XenApiError('DEVICE_ALREADY_ATTACHED', [ref]);
  if (!plug && vbd.currently_attached !== true) throw new XenApiError('DEVICE_ALREADY_DETACHED', [ref]);
  if (!plug && !force && vbd.unpluggable !== true) throw new XenApiError('VBD_NOT_UNPLUGGABLE', [ref]);
  if (vbd.type === 'CD' && isHvm(vm)) throw operationNotAllowed(HVM_CD);
  if (!hasPvDrivers(ctx, vm)) throw new XenApiError('VM_MISSING_PV_DRIVERS', [String(vbd.VM)]);
  ctx.store.update('VBD', ref, plug ? { currently_attached: true, device: deviceName(String(vbd.userdevice)) } : { currently_attached: false });
}

export function ejectVbd(ctx: SimContext, ref: string, insertVdi?: string): void {
  const vbd = ctx.store.require('VBD', ref);
  requireVmState(ctx, String(vbd.VM), ['halted', 'running']);
  if (vbd.type !== 'CD') throw new XenApiError('VBD_NOT_REMOVABLE_MEDIA', [ref]);
  if (insertVdi === undefined) {
    if (vbd.empty === true) throw new XenApiError('VBD_IS_EMPTY', [ref]);
    ctx.store.update('VBD', ref, { empty: true, VDI: NULL_REF });
    return;
  }
  if (vbd.empty !== true) throw new XenApiError('VBD_NOT_EMPTY', [ref]);
  ctx.store.require('VDI', insertVdi);
  ctx.store.update('VBD', ref, { empty: false, VDI: insertVdi });
}

export function destroyVbd(ctx: SimContext, ref: string): void {
  const vbd = ctx.store.require('VBD', ref);
  if (vbd.currently_attached === true) {
    const vmUuid = String(ctx.store.get('VM', String(vbd.VM))?.uuid ?? '');
    throw operationNotAllowed(`VBD '${String(vbd.uuid)}' still attached to '${vmUuid}'`);
  }
  ctx.store.destroy('VBD', ref);
}
