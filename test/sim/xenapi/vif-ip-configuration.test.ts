/**
 * VIF.configure_ipv4 / configure_ipv6 as xapi_vif.ml does them (xenapi.md §9), the way Ansible's
 * xenserver_guest sets a static IP on a running VM: mode, CIDR, locking and gateway checks with
 * xapi's errors, the guest's `feature-static-ip-setting` (not advertised by the simulated Linux
 * guest unless switched on), the VIF fields, and the guest reporting the address it applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { XmlRpcValue } from '../../../src/xmlrpc/value.js';
import { SEED_UUIDS } from '../../../src/backends/xenapi/sim/index.js';
import { startTestXen, type TestXen } from './helpers.js';

let xen: TestXen;
let seq = 0;
beforeAll(async () => {
  xen = await startTestXen();
});
afterAll(async () => xen.close());

const c = () => xen.client;

/** runningVm starts a provisioned VM with one VIF (extra: its constructor fields) and returns both refs. */
async function runningVm(extra: Record<string, XmlRpcValue> = {}): Promise<{ vm: string; vif: string }> {
  const vm = String(await c().call('VM.clone', await c().ref('VM', SEED_UUIDS.templateDebianLocal), `ip-${(seq += 1)}`));
  await c().call('VM.provision', vm);
  const network = await c().ref('network', SEED_UUIDS.network);
  const vif = String(await c().call('VIF.create', { device: '0', network, VM: vm, MAC: '', MTU: '1500', other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {}, ...extra }));
  await c().call('VM.start', vm, false, false);
  return { vm, vif };
}

async function guestMetrics(vm: string): Promise<Record<string, XmlRpcValue>> {
  return c().record('VM_guest_metrics', String(await c().call('VM.get_guest_metrics', vm)));
}

const enableStaticIp = (vm: string) => c().control('converge.sim.xenapi.setGuestStaticIp', true, vm);

describe('VIF.configure_ipv4 and configure_ipv6', () => {
  it('refuses a Linux guest, whose tools do not advertise feature-static-ip-setting', async () => {
    const { vm, vif } = await runningVm();
    expect((await guestMetrics(vm)).other).not.toHaveProperty('feature-static-ip-setting');
    expect(await c().fail('VIF.configure_ipv4', vif, 'Static', '192.0.2.10/24', '192.0.2.1')).toEqual(['VM_LACKS_FEATURE', vm]);
    expect(await c().fail('VIF.configure_ipv4', vif, 'None')).toEqual(['VM_LACKS_FEATURE', vm]);
    expect(await c().call('VIF.get_ipv4_configuration_mode', vif)).toBe('None');
  });

  it('sets a static IPv4 and IPv6 configuration that the guest applies and reports', async () => {
    const { vm, vif } = await runningVm();
    await enableStaticIp(vm);
    expect((await guestMetrics(vm)).other).toMatchObject({ 'feature-static-ip-setting': '1' });

    expect(await c().call('VIF.configure_ipv4', vif, 'Static', '192.0.2.10/24', '192.0.2.1')).toBe('');
    expect(await c().call('VIF.configure_ipv6', vif, 'Static', '2001:db8::10/64', '2001:db8::1')).toBe('');
    expect(await c().record('VIF', vif)).toMatchObject({
      ipv4_configuration_mode: 'Static', ipv4_addresses: ['192.0.2.10/24'], ipv4_gateway: '192.0.2.1',
      ipv6_configuration_mode: 'Static', ipv6_addresses: ['2001:db8::10/64'], ipv6_gateway: '2001:db8::1',
    });
    expect((await guestMetrics(vm)).networks).toMatchObject({ '0/ip': '192.0.2.10', '0/ipv4/0': '192.0.2.10', '0/ipv6/0': '2001:db8::10' });

    expect(await c().call('VIF.configure_ipv4', vif, 'None')).toBe('');
    expect(await c().record('VIF', vif)).toMatchObject({ ipv4_configuration_mode: 'None', ipv4_addresses: [''], ipv4_gateway: '' });
    expect((await guestMetrics(vm)).networks).toMatchObject({ '0/ip': expect.stringMatching(/^10\./) });
  });

  it('validates the mode, the address and the gateway before the guest feature, with xapi errors', async () => {
    const { vm, vif } = await runningVm();
    const rows: Array<[string, XmlRpcValue[], (string | RegExp)[]]> = [
      ['an address without prefix', ['Static', '192.0.2.10', ''], ['INVALID_CIDR_ADDRESS_SPECIFIED', 'address']],
      ['a prefix past 32', ['Static', '192.0.2.10/33', ''], ['INVALID_CIDR_ADDRESS_SPECIFIED', 'address']],
      ['an IPv6 address for IPv4', ['Static', '2001:db8::10/64', ''], ['INVALID_CIDR_ADDRESS_SPECIFIED', 'address']],
      ['a malformed gateway', ['Static', '192.0.2.10/24', '192.0.2'], ['INVALID_IP_ADDRESS_SPECIFIED', 'gateway']],
      ['an unknown mode', ['DHCP', '', ''], ['INTERNAL_ERROR', /Runtime_error/]],
    ];
    for (const [reason, params, expected] of rows) {
      const description = await c().fail('VIF.configure_ipv4', vif, ...params);
      expect(description, reason).toEqual(expected.map((e) => (typeof e === 'string' ? e : expect.stringMatching(e))));
    }
    expect(await c().fail('VIF.configure_ipv6', vif, 'Static', '192.0.2.10/24', '')).toEqual(['INVALID_CIDR_ADDRESS_SPECIFIED', 'address']);
    expect(await c().fail('VIF.configure_ipv6', vif, 'Static', '2001:db8::10/129', '')).toEqual(['INVALID_CIDR_ADDRESS_SPECIFIED', 'address']);
    expect(await c().fail('VIF.configure_ipv6', vif, 'Static', '2001:db8::10/64')).toEqual(['VM_LACKS_FEATURE', vm]);
  });

  it('keeps a locked VIF to its allowed addresses', async () => {
    const { vm, vif } = await runningVm({ locking_mode: 'locked', ipv4_allowed: ['192.0.2.10'] });
    await enableStaticIp(vm);
    expect(await c().fail('VIF.configure_ipv4', vif, 'Static', '192.0.2.11/24', '')).toEqual(['ADDRESS_VIOLATES_LOCKING_CONSTRAINT', '192.0.2.11/24']);
    await c().call('VIF.configure_ipv4', vif, 'Static', '192.0.2.10/24', '');
    expect(await c().call('VIF.get_ipv4_addresses', vif)).toEqual(['192.0.2.10/24']);
  });

  it('runs as a task through Async.VIF.configure_ipv4', async () => {
    const { vm, vif } = await runningVm();
    await enableStaticIp(vm);
    const task = String(await c().call('Async.VIF.configure_ipv4', vif, 'Static', '198.51.100.7/24', '198.51.100.1'));
    await c().control('converge.sim.advanceClock', 1);
    expect(await c().call('task.get_status', task)).toBe('success');
    expect(await c().call('VIF.get_ipv4_gateway', vif)).toBe('198.51.100.1');
  });
});
