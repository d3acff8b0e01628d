/**
 * The simulated guest agent: when a VM runs with the agent on (the `guestAgent` setting or a
 * per-VM override), it reports VM_guest_metrics — PV drivers, the feature flags clean
 * shutdown/reboot/suspend need, and one IPv4 address per VIF (`<device>/ip`, `<device>/ipv4/0`)
 * derived from the VIF's MAC as 10.x.y.z. Without it, HVM guests get VM_LACKS_FEATURE.
 *
 * The guest is Linux (Debian with xe-guest-utilities), which does not advertise
 * `feature-static-ip-setting`: only the Windows management agent does (Xen Orchestra and XenCenter
 * read the flag as "management agent installed"; Ansible's xenserver_guest falls back to its
 * xenstore-based "custom" agent without it). The `guestStaticIp` setting (or a per-VM override)
 * makes the agent advertise it; such an agent then applies a VIF's static configuration and
 * reports the configured addresses (`<device>/ipv6/0` too) instead of the derived one.
 */
import type { SimContext } from '../dispatch/context.js';
import type { Row } from '../schema/types.js';
import { NULL_REF } from '../wire/errors.js';

export function agentEnabled(ctx: SimContext, vmRef: string): boolean {
  return ctx.agentOverrides.get(vmRef) ?? ctx.settings.guestAgent;
}

/** ipForMac maps a MAC to a stable private address. */
export function ipForMac(mac: string): string {
  const bytes = mac.split(/[:-]/).map((b) => parseInt(b, 16) || 0);
  const [a = 0, b = 0, c = 0] = bytes.slice(-3);
  return `10.${a}.${b}.${Math.max(2, Math.min(c, 254))}`;
}

/** staticIpEnabled: the VM's agent advertises (and acts on) static IP settings. */
export function staticIpEnabled(ctx: SimContext, vmRef: string): boolean {
  return ctx.staticIpOverrides.get(vmRef) ?? ctx.settings.guestStaticIp;
}

/** staticAddress is the address part of a VIF's static `<addr>/<prefix>` configuration, if any. */
function staticAddress(vif: Readonly<Row>, family: 'ipv4' | 'ipv6'): string | undefined {
  if (vif[`${family}_configuration_mode`] !== 'Static') return undefined;
  const [first] = vif[`${family}_addresses`] as string[];
  return first === undefined || first === '' ? undefined : first.split('/')[0];
}

function guestNetworks(ctx: SimContext, vmRef: string): Record<string, string> {
  const applyStatic = staticIpEnabled(ctx, vmRef);
  const out: Record<string, string> = {};
  for (const vif of ctx.store.require('VM', vmRef).VIFs as string[]) {
    const row = ctx.store.get('VIF', vif);
    if (!row) continue;
    const device = String(row.device);
    const ip = (applyStatic ? staticAddress(row, 'ipv4') : undefined) ?? ipForMac(String(row.MAC));
    out[`${device}/ip`] = ip;
    out[`${device}/ipv4/0`] = ip;
    const ipv6 = applyStatic ? staticAddress(row, 'ipv6') : undefined;
    if (ipv6 !== undefined) out[`${device}/ipv6/0`] = ipv6;
  }
  return out;
}

const FEATURES: Record<string, string> = {
  'feature-shutdown': '1',
  'feature-poweroff': '1',
  'feature-reboot': '1',
  'feature-suspend': '1',
  'feature-vcpu-hotplug': '1',
  'has-vendor-device': '0',
};

/** reportGuest creates or refreshes the VM's guest metrics, if its agent is on. */
export function reportGuest(ctx: SimContext, vmRef: string): void {
  if (!agentEnabled(ctx, vmRef)) return clearGuest(ctx, vmRef);
  const fields = {
    os_version: { name: 'Debian GNU/Linux 12 (bookworm)', distro: 'debian', major: '12', minor: '5', uname: '6.1.0-18-amd64' },
    PV_drivers_version: { major: '8', minor: '4', micro: '0', build: '1' },
    PV_drivers_up_to_date: true,
    PV_drivers_detected: true,
    networks: guestNetworks(ctx, vmRef),
    other: staticIpEnabled(ctx, vmRef) ? { ...FEATURES, 'feature-static-ip-setting': '1' } : FEATURES,
    live: true,
    can_use_hotplug_vbd: 'yes',
    can_use_hotplug_vif: 'yes',
    last_updated: ctx.now(),
  };
  const current = ctx.store.require('VM', vmRef).guest_metrics as string;
  if (current !== NULL_REF && ctx.store.get('VM_guest_metrics', current)) {
    ctx.store.update('VM_guest_metrics', current, fields);
    return;
  }
  ctx.store.update('VM', vmRef, { guest_metrics: ctx.store.create('VM_guest_metrics', fields) });
}

/** clearGuest drops the guest metrics (the domain went away, or the agent stopped). */
export function clearGuest(ctx: SimContext, vmRef: string): void {
  const current = ctx.store.require('VM', vmRef).guest_metrics as string;
  if (current === NULL_REF) return;
  ctx.store.update('VM', vmRef, { guest_metrics: NULL_REF });
  if (ctx.store.get('VM_guest_metrics', current)) ctx.store.destroy('VM_guest_metrics', current);
}
