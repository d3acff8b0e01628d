/**
 * Attaching and detaching a VM's devices as a domain comes and goes (xenapi.md §4 side effects):
 * VBDs get `currently_attached` and a `device` name (`xvda` for userdevice 0, …), VIFs get
 * `currently_attached`.
 */
import type { SimContext } from '../dispatch/context.js';

/** deviceName is the guest device of a userdevice number: 0 → xvda, 1 → xvdb, … */
export function deviceName(userdevice: string): string {
  const n = Number(userdevice);
  if (!Number.isInteger(n) || n < 0) return '';
  const letters = n < 26 ? String.fromCharCode(97 + n) : String.fromCharCode(96 + Math.floor(n / 26), 97 + (n % 26));
  return `xvd${letters}`;
}

export function vmDevices(ctx: SimContext, vmRef: string): { vbds: string[]; vifs: string[] } {
  const vm = ctx.store.require('VM', vmRef);
  return { vbds: [...(vm.VBDs as string[])], vifs: [...(vm.VIFs as string[])] };
}

export function attachDevices(ctx: SimContext, vmRef: string): void {
  const { vbds, vifs } = vmDevices(ctx, vmRef);
  for (const vbd of vbds) {
    const row = ctx.store.require('VBD', vbd);
    ctx.store.update('VBD', vbd, { currently_attached: true, device: deviceName(String(row.userdevice)) });
  }
  for (const vif of vifs) ctx.store.update('VIF', vif, { currently_attached: true });
}

export function detachDevices(ctx: SimContext, vmRef: string): void {
  const { vbds, vifs } = vmDevices(ctx, vmRef);
  for (const vbd of vbds) ctx.store.update('VBD', vbd, { currently_attached: false });
  for (const vif of vifs) ctx.store.update('VIF', vif, { currently_attached: false });
}

/** usedUserdevices lists the userdevice numbers taken on a VM by `cls` (VBD or VIF). */
export function usedDevices(ctx: SimContext, vmRef: string, cls: 'VBD' | 'VIF'): Set<string> {
  const vm = ctx.store.require('VM', vmRef);
  const refs = (cls === 'VBD' ? vm.VBDs : vm.VIFs) as string[];
  const field = cls === 'VBD' ? 'userdevice' : 'device';
  return new Set(refs.map((r) => String(ctx.store.get(cls, r)?.[field] ?? '')));
}

/** freeDevices lists the numbers below `limit` not yet used on the VM. */
export function freeDevices(ctx: SimContext, vmRef: string, cls: 'VBD' | 'VIF', limit: number): string[] {
  const used = usedDevices(ctx, vmRef, cls);
  return Array.from({ length: limit }, (_, i) => String(i)).filter((d) => !used.has(d));
}

/**
 * allowedVbdDevices is VM.get_allowed_VBD_devices (xapi_vm_helpers.allowed_VBD_devices, disk
 * type): disk numbers "0".."254" for guests, HVM and PV alike (xapi's PV range is the same 0..254
 * of xvd devices; only dom0 gets "0".."255"), minus those a VBD of the VM takes through its
 * userdevice or its device name. xapi compares device numbers with their bus (IDE for HVM disks
 * 0..3), which only matters when a VBD's device name and userdevice disagree; here they never do.
 */
export function allowedVbdDevices(ctx: SimContext, vmRef: string): string[] {
  const vm = ctx.store.require('VM', vmRef);
  const last = vm.is_control_domain === true ? 255 : 254;
  const used = new Set<number>();
  for (const ref of vm.VBDs as string[]) {
    const vbd = ctx.store.get('VBD', ref);
    for (const name of [vbd?.userdevice, vbd?.device]) {
      const n = diskNumber(String(name ?? ''));
      if (n !== undefined) used.add(n);
    }
  }
  return Array.from({ length: last + 1 }, (_, i) => i).filter((n) => !used.has(n)).map(String);
}

/** diskNumber reads "3" or a device name ("xvdd", "hdd", "sdd", "xvdaa") as a disk number. */
function diskNumber(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const letters = /^(?:xvd|hd|sd)([a-z]+)\d*$/.exec(text)?.[1];
  if (letters === undefined) return undefined;
  return [...letters].reduce((acc, c) => acc * 26 + (c.charCodeAt(0) - 96), 0) - 1;
}
