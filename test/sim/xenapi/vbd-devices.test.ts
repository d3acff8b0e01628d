/**
 * VM.get_allowed_VBD_devices as xapi_vm_helpers.allowed_VBD_devices computes it (xenapi.md §9):
 * disk numbers "0".."254" for HVM and PV guests alike, "0".."255" for dom0, minus the devices the
 * VM's VBDs take; VBD.create's `autodetect` takes the first of them, and with none left fails
 * with INVALID_DEVICE ["autodetect"].
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
const range = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

async function provisionedVm(): Promise<string> {
  const vm = String(await c().call('VM.clone', await c().ref('VM', SEED_UUIDS.templateDebianLocal), `dev-${(seq += 1)}`));
  await c().call('VM.provision', vm);
  return vm;
}

const emptyCd = (vm: string, userdevice: string): Record<string, XmlRpcValue> => ({
  VM: vm, VDI: 'OpaqueRef:NULL', userdevice, bootable: false, mode: 'RO', type: 'CD', empty: true, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {},
});

describe('VM.get_allowed_VBD_devices', () => {
  it('offers 0..254 to an HVM guest, minus the devices in use', async () => {
    const vm = await provisionedVm();
    expect(await c().call('VM.get_domain_type', vm)).toBe('hvm');
    expect(await c().call('VM.get_allowed_VBD_devices', vm)).toEqual(range(1, 254));
    await c().call('VBD.create', emptyCd(vm, '200'));
    const allowed = (await c().call('VM.get_allowed_VBD_devices', vm)) as string[];
    expect(allowed).toHaveLength(253);
    expect(allowed).not.toContain('200');
    expect(allowed.at(-1)).toBe('254');
  });

  it('offers a PV guest the same 0..254 range', async () => {
    const vm = await provisionedVm();
    await c().call('VM.set_domain_type', vm, 'pv');
    expect(await c().call('VM.get_allowed_VBD_devices', vm)).toEqual(range(1, 254));
  });

  it('offers dom0 0..255', async () => {
    const dom0 = await c().ref('VM', SEED_UUIDS.dom0);
    const used = ((await c().record('VM', dom0)).VBDs as string[]).length;
    const allowed = (await c().call('VM.get_allowed_VBD_devices', dom0)) as string[];
    expect(allowed).toHaveLength(256 - used);
    expect(allowed).toContain('255');
  });

  it('autodetects the first free device, and refuses once all 255 are taken', async () => {
    const vm = await provisionedVm();
    const first = String(await c().call('VBD.create', emptyCd(vm, 'autodetect')));
    expect(await c().call('VBD.get_userdevice', first)).toBe('1');
    await Promise.all(range(2, 254).map((device) => c().call('VBD.create', emptyCd(vm, device))));
    expect(await c().call('VM.get_allowed_VBD_devices', vm)).toEqual([]);
    expect(await c().fail('VBD.create', emptyCd(vm, 'autodetect'))).toEqual(['INVALID_DEVICE', 'autodetect']);
  });
});
