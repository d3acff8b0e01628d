/**
 * VIF.configure_ipv4 and VIF.configure_ipv6 (self, mode, address = "", gateway = ""), after
 * xapi_vif.ml and Helpers.assert_is_valid_cidr / assert_is_valid_ip:
 * - mode is the enum `None | Static` (anything else fails unmarshalling: INTERNAL_ERROR);
 * - Static checks, in order: address in `<addr>/<prefix>` form of the right family
 *   (`INVALID_CIDR_ADDRESS_SPECIFIED ["address"]`), an address a locked VIF does not allow
 *   (`ADDRESS_VIOLATES_LOCKING_CONSTRAINT [address]`), and a gateway, when given, of the right
 *   family (`INVALID_IP_ADDRESS_SPECIFIED ["gateway"]`);
 * - then, whatever the mode, the guest must advertise `feature-static-ip-setting` = "1" in its
 *   guest metrics' `other` (`VM_LACKS_FEATURE [vm]`);
 * - the VIF gets `<family>_configuration_mode = mode`, `<family>_addresses = [address]` (as given,
 *   even "" with mode None) and `<family>_gateway`; on an active device (attached, VM not
 *   suspended) the guest applies it at once.
 * The Guest_ip_setting licence check passes: the seed pool is a premium edition.
 */
import { isIP } from 'node:net';
import type { SimContext } from '../dispatch/context.js';
import { argStr, p, T, type MethodSpec } from '../dispatch/method-spec.js';
import { reportGuest } from '../vm/guest-agent.js';
import { NULL_REF, XenApiError } from '../wire/errors.js';

type Family = 'ipv4' | 'ipv6';

const FAMILY_VERSION: Record<Family, number> = { ipv4: 4, ipv6: 6 };
const PREFIX_MAX: Record<Family, number> = { ipv4: 32, ipv6: 128 };

/** cidrAddress returns the address of a valid `<addr>/<prefix>` of `family`, or undefined. */
function cidrAddress(family: Family, cidr: string): string | undefined {
  const slash = cidr.lastIndexOf('/');
  if (slash < 0) return undefined;
  const address = cidr.slice(0, slash);
  const prefix = cidr.slice(slash + 1);
  if (isIP(address) !== FAMILY_VERSION[family] || !/^\d{1,3}$/.test(prefix)) return undefined;
  return Number(prefix) <= PREFIX_MAX[family] ? address : undefined;
}

function assertStaticSettings(ctx: SimContext, vifRef: string, family: Family, address: string, gateway: string): void {
  const parsed = cidrAddress(family, address);
  if (parsed === undefined) throw new XenApiError('INVALID_CIDR_ADDRESS_SPECIFIED', ['address']);
  const vif = ctx.store.require('VIF', vifRef);
  // network_default resolves to the network's default_locking_mode, which is never `locked`.
  if (vif.locking_mode === 'locked' && !(vif[`${family}_allowed`] as string[]).includes(parsed)) {
    throw new XenApiError('ADDRESS_VIOLATES_LOCKING_CONSTRAINT', [address]);
  }
  if (gateway !== '' && isIP(gateway) !== FAMILY_VERSION[family]) throw new XenApiError('INVALID_IP_ADDRESS_SPECIFIED', ['gateway']);
}

function assertStaticIpFeature(ctx: SimContext, vmRef: string): void {
  const gm = ctx.store.require('VM', vmRef).guest_metrics as string;
  const metrics = gm === NULL_REF ? undefined : ctx.store.get('VM_guest_metrics', gm);
  const other = metrics?.other as Record<string, string> | undefined;
  if (other?.['feature-static-ip-setting'] !== '1') throw new XenApiError('VM_LACKS_FEATURE', [vmRef]);
}

function configureIp(ctx: SimContext, family: Family, vifRef: string, mode: string, address: string, gateway: string): void {
  const vmRef = String(ctx.store.require('VIF', vifRef).VM);
  if (mode === 'Static') assertStaticSettings(ctx, vifRef, family, address, gateway);
  assertStaticIpFeature(ctx, vmRef);
  ctx.store.update('VIF', vifRef, {
    [`${family}_configuration_mode`]: mode,
    [`${family}_addresses`]: [address],
    [`${family}_gateway`]: gateway,
  });
  const vif = ctx.store.require('VIF', vifRef);
  const vm = ctx.store.require('VM', vmRef);
  if (vif.currently_attached === true && vm.power_state === 'Running') reportGuest(ctx, vmRef);
}

/** vifIpConfigurationSpecs: VIF.configure_ipv4 and VIF.configure_ipv6 (both with Async forms). */
export function vifIpConfigurationSpecs(ctx: SimContext): MethodSpec[] {
  const params = [p('self', T.ref('VIF')), p('mode', T.enumOf(['None', 'Static'])), p('address', T.string, ''), p('gateway', T.string, '')];
  return (['ipv4', 'ipv6'] as const).map((family) => ({
    name: `VIF.configure_${family}`,
    params,
    async: true,
    run: (a) => configureIp(ctx, family, argStr(a, 0), argStr(a, 1), argStr(a, 2), argStr(a, 3)),
  }));
}
