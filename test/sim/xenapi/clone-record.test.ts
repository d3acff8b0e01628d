/**
 * The record VM.clone, VM.copy and VM.snapshot give the new VM, as xapi's copy_vm_record builds it
 * (xenapi.md §9): `default_template` and `xensource_internal` leave other_config, blocked
 * operations are not carried over, clone and copy get a fresh mac_seed, a snapshot keeps its VM's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_UUIDS } from '../../../src/backends/xenapi/sim/index.js';
import { startTestXen, type TestXen } from './helpers.js';

let xen: TestXen;
beforeAll(async () => {
  xen = await startTestXen();
});
afterAll(async () => xen.close());

const c = () => xen.client;
const otherConfig = async (vm: string) => (await c().record('VM', vm)).other_config as Record<string, string>;

/** markedTemplate is the default Debian template with both internal keys and a blocked operation. */
async function markedTemplate(): Promise<string> {
  const template = await c().ref('VM', SEED_UUIDS.templateDebian);
  if ((await otherConfig(template)).xensource_internal === undefined) {
    await c().call('VM.add_to_other_config', template, 'xensource_internal', 'true');
    await c().call('VM.add_to_blocked_operations', template, 'destroy', 'shipped template');
  }
  return template;
}

describe('copy_vm_record', () => {
  it('drops default_template, xensource_internal and blocked_operations on clone and copy', async () => {
    const template = await markedTemplate();
    expect(await otherConfig(template)).toMatchObject({ default_template: 'true', xensource_internal: 'true' });
    expect(await c().call('VM.get_blocked_operations', template)).toEqual({ destroy: 'shipped template' });

    const localSr = await c().ref('SR', SEED_UUIDS.localSr);
    for (const vm of [String(await c().call('VM.clone', template, 'cloned')), String(await c().call('VM.copy', template, 'copied', localSr))]) {
      const record = await c().record('VM', vm);
      const other = record.other_config as Record<string, string>;
      expect(other).not.toHaveProperty('default_template');
      expect(other).not.toHaveProperty('xensource_internal');
      expect(other).toMatchObject({ linux_template: 'true', base_template_name: 'Debian Bookworm 12' });
      expect(other.mac_seed).toMatch(/^[0-9a-f-]{36}$/);
      expect(record).toMatchObject({ blocked_operations: {}, is_default_template: false, is_a_template: true });
    }
  });

  it('keeps the mac_seed and MACs on snapshot but still drops the internal keys and blocked operations', async () => {
    const vm = String(await c().call('VM.clone', await c().ref('VM', SEED_UUIDS.templateDebianLocal), 'snap-source'));
    await c().call('VM.provision', vm);
    await c().call('VM.add_to_other_config', vm, 'xensource_internal', 'true');
    await c().call('VM.add_to_blocked_operations', vm, 'start', 'maintenance');
    const network = await c().ref('network', SEED_UUIDS.network);
    const vif = String(await c().call('VIF.create', { device: '0', network, VM: vm, MAC: '', MTU: '1500', other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {} }));

    const snap = String(await c().call('VM.snapshot', vm, 'before'));
    const record = await c().record('VM', snap);
    const other = record.other_config as Record<string, string>;
    expect(other.mac_seed).toBe((await otherConfig(vm)).mac_seed);
    expect(other).not.toHaveProperty('xensource_internal');
    expect(record.blocked_operations).toEqual({});
    const [snapVif] = record.VIFs as string[];
    expect(await c().call('VIF.get_MAC', String(snapVif))).toBe(await c().call('VIF.get_MAC', vif));
  });
});
