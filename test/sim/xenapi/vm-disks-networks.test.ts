/**
 * Building a VM the way a reconciler does (clone, provision, disks, interfaces) and the VDI, VBD,
 * VIF and network rules of xenapi.md §3–§4, with their exact errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { XmlRpcValue } from '../../../src/xmlrpc/value.js';
import { provisionSpec, SEED_UUIDS } from '../../../src/backends/xenapi/sim/index.js';
import { startTestXen, type TestXen } from './helpers.js';

const GiB = 1024 ** 3;
let xen: TestXen;
let localSr: string;
let network: string;
let toolsIso: string;
let seq = 0;

beforeAll(async () => {
  xen = await startTestXen();
  localSr = await xen.client.ref('SR', SEED_UUIDS.localSr);
  network = await xen.client.ref('network', SEED_UUIDS.network);
  toolsIso = await xen.client.ref('VDI', SEED_UUIDS.toolsIso);
});
afterAll(async () => xen.close());

const c = () => xen.client;

async function newVm(start = false): Promise<string> {
  const vm = String(await c().call('VM.clone', await c().ref('VM', SEED_UUIDS.templateDebianLocal), `d-${(seq += 1)}`));
  await c().call('VM.provision', vm);
  if (start) await c().call('VM.start', vm, false, false);
  return vm;
}

const vdiRecord = (extra: Record<string, XmlRpcValue> = {}): Record<string, XmlRpcValue> => ({
  SR: localSr, virtual_size: String(GiB), type: 'user', sharable: false, read_only: false, other_config: {}, name_label: 'data', ...extra,
});
const vbdRecord = (vm: string, vdi: string, extra: Record<string, XmlRpcValue> = {}): Record<string, XmlRpcValue> => ({
  VM: vm, VDI: vdi, userdevice: 'autodetect', bootable: false, mode: 'RW', type: 'Disk', empty: false, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {}, ...extra,
});
const vifRecord = (vm: string, extra: Record<string, XmlRpcValue> = {}): Record<string, XmlRpcValue> => ({
  device: '0', network, VM: vm, MAC: '', MTU: '1500', other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {}, ...extra,
});

describe('clone, provision, copy, snapshot, destroy', () => {
  it('clones the default template and provisions it once the spec names an SR', async () => {
    const template = await c().ref('VM', SEED_UUIDS.templateDebian);
    const vm = String(await c().call('VM.clone', template, 'web-0'));
    const cloned = await c().record('VM', vm);
    const other = cloned.other_config as Record<string, string>;
    expect(cloned).toMatchObject({ is_a_template: true, is_default_template: false, name_label: 'web-0', power_state: 'Halted' });
    expect(other.base_template_name).toBe('Debian Bookworm 12');
    expect(other.mac_seed).toMatch(/^[0-9a-f-]{36}$/);
    expect(await c().fail('VM.provision', vm)).toEqual(['UUID_INVALID', 'sr', '']);

    await c().call('VM.remove_from_other_config', vm, 'disks');
    await c().call('VM.add_to_other_config', vm, 'disks', provisionSpec(SEED_UUIDS.localSr, 20 * GiB));
    await c().call('VM.provision', vm);
    const provisioned = await c().record('VM', vm);
    expect(provisioned.is_a_template).toBe(false);
    expect(provisioned.other_config).not.toHaveProperty('disks');
    const [vbd] = provisioned.VBDs as string[];
    const vbdRec = await c().record('VBD', String(vbd));
    expect(vbdRec).toMatchObject({ userdevice: '0', bootable: true, mode: 'RW', type: 'Disk', unpluggable: false, other_config: { owner: '' } });
    expect(await c().record('VDI', String(vbdRec.VDI))).toMatchObject({
      name_label: '0', name_description: 'Created by template provisioner', virtual_size: String(20 * GiB), type: 'system', SR: localSr,
    });
    expect(await c().call('SR.get_VDIs', localSr)).toContain(vbdRec.VDI);
  });

  it('copies disks into a given SR, snapshots, and destroy keeps the disks', async () => {
    const vm = await newVm();
    const copy = String(await c().call('VM.copy', vm, 'copy', localSr));
    const [origVbd] = (await c().call('VM.get_VBDs', vm)) as string[];
    const [copyVbd] = (await c().call('VM.get_VBDs', copy)) as string[];
    expect(await c().call('VBD.get_VDI', String(copyVbd))).not.toBe(await c().call('VBD.get_VDI', String(origVbd)));

    const snap = String(await c().call('VM.snapshot', vm, 'before'));
    expect(await c().record('VM', snap)).toMatchObject({ is_a_snapshot: true, is_a_template: true, snapshot_of: vm });
    expect(await c().call('VM.get_snapshots', vm)).toEqual([snap]);

    const vdi = String(await c().call('VBD.get_VDI', String(origVbd)));
    await c().call('VM.destroy', vm);
    expect(await c().fail('VBD.get_record', String(origVbd))).toEqual(['HANDLE_INVALID', 'VBD', origVbd]);
    expect(await c().record('VDI', vdi)).toMatchObject({ VBDs: [] });
  });

  it('lists the free device numbers', async () => {
    const vm = await newVm();
    expect(await c().call('VM.get_allowed_VBD_devices', vm)).not.toContain('0');
    expect(await c().call('VM.get_allowed_VIF_devices', vm)).toEqual(['0', '1', '2', '3', '4', '5', '6']);
  });
});

describe('VDI rules', () => {
  it('creates, resizes and destroys a detached VDI, keeping SR usage up to date', async () => {
    const before = Number(await c().call('SR.get_virtual_allocation', localSr));
    const vdi = String(await c().call('VDI.create', vdiRecord()));
    expect(await c().record('VDI', vdi)).toMatchObject({ location: await c().call('VDI.get_uuid', vdi), managed: true, VBDs: [] });
    expect(Number(await c().call('SR.get_virtual_allocation', localSr))).toBe(before + GiB);
    await c().call('VDI.resize', vdi, String(2 * GiB));
    expect(await c().fail('VDI.resize', vdi, String(GiB))).toEqual(['SR_BACKEND_FAILURE_79', '', 'VDI Invalid size [opterr=shrinking not allowed]', '']);
    await c().call('VDI.destroy', vdi);
    expect(Number(await c().call('SR.get_virtual_allocation', localSr))).toBe(before);
  });

  it('refuses destroy and resize while attached: VDI_IN_USE [vdi, op]', async () => {
    const vm = await newVm(true);
    const [vbd] = (await c().call('VM.get_VBDs', vm)) as string[];
    const vdi = String(await c().call('VBD.get_VDI', String(vbd)));
    expect(await c().fail('VDI.destroy', vdi)).toEqual(['VDI_IN_USE', vdi, 'destroy']);
    expect(await c().fail('VDI.resize', vdi, String(50 * GiB))).toEqual(['VDI_IN_USE', vdi, 'resize']);
  });

  it('refuses a VDI larger than the SR: SR_FULL [requested, maximum]', async () => {
    expect(await c().fail('VDI.create', vdiRecord({ virtual_size: String(1000 * GiB) }))).toEqual(['SR_FULL', String(1000 * GiB), String(500 * GiB)]);
  });

  it('cascades VDI.destroy to the VBDs that point at it', async () => {
    const vm = await newVm();
    const vdi = String(await c().call('VDI.create', vdiRecord()));
    const vbd = String(await c().call('VBD.create', vbdRecord(vm, vdi)));
    await c().call('VDI.destroy', vdi);
    expect(await c().call('VM.get_VBDs', vm)).not.toContain(vbd);
  });
});

describe('VBD rules', () => {
  const rows: Array<{ reason: string; record: (vm: string, vdi: string) => Record<string, XmlRpcValue>; expected: (vdi: string) => string[] }> = [
    { reason: 'a CD must be read-only', record: (vm) => vbdRecord(vm, toolsIso, { type: 'CD', mode: 'RW' }), expected: () => ['VBD_CDS_MUST_BE_READONLY'] },
    { reason: 'only a CD may be empty', record: (vm) => vbdRecord(vm, 'OpaqueRef:NULL', { empty: true }), expected: () => ['VBD_NOT_REMOVABLE_MEDIA', 'in constructor'] },
    { reason: 'RW on a read-only VDI', record: (vm) => vbdRecord(vm, toolsIso), expected: (vdi) => ['VDI_READONLY', vdi] },
    { reason: 'a userdevice that is not a number', record: (vm, vdi) => vbdRecord(vm, vdi, { userdevice: 'xvdq' }), expected: () => ['INVALID_DEVICE', 'xvdq'] },
    { reason: 'a userdevice in use', record: (vm, vdi) => vbdRecord(vm, vdi, { userdevice: '0' }), expected: () => ['DEVICE_ALREADY_EXISTS', '0'] },
    { reason: 'a missing VDI', record: (vm) => vbdRecord(vm, 'OpaqueRef:gone'), expected: () => ['HANDLE_INVALID', 'VDI', 'OpaqueRef:gone'] },
    { reason: 'a missing required field', record: (vm, vdi) => { const r = vbdRecord(vm, vdi); delete r.bootable; return r; }, expected: () => ['INTERNAL_ERROR', expect.stringContaining('bootable') as never] },
  ];
  it.each(rows)('create refuses $reason', async ({ record, expected }) => {
    const vm = await newVm();
    const vdi = String(await c().call('VDI.create', vdiRecord()));
    const rec = record(vm, vdi);
    expect(await c().fail('VBD.create', rec)).toEqual(expected(String(rec.VDI)));
  });

  it('autodetects the userdevice, hotplugs on a running VM and refuses double plugs', async () => {
    const vm = await newVm(true);
    const vdi = String(await c().call('VDI.create', vdiRecord()));
    const vbd = String(await c().call('VBD.create', vbdRecord(vm, vdi)));
    expect(await c().record('VBD', vbd)).toMatchObject({ userdevice: '1', currently_attached: false, device: '' });
    await c().call('VBD.plug', vbd);
    expect(await c().record('VBD', vbd)).toMatchObject({ currently_attached: true, device: 'xvdb' });
    expect(await c().fail('VBD.plug', vbd)).toEqual(['DEVICE_ALREADY_ATTACHED', vbd]);
    expect(await c().fail('VBD.destroy', vbd)).toEqual(['OPERATION_NOT_ALLOWED', `VBD '${String(await c().call('VBD.get_uuid', vbd))}' still attached to '${String(await c().call('VM.get_uuid', vm))}'`]);
    await c().call('VBD.unplug', vbd);
    expect(await c().fail('VBD.unplug', vbd)).toEqual(['DEVICE_ALREADY_DETACHED', vbd]);
    await c().call('VBD.destroy', vbd);
  });

  it('needs a running VM to plug, and refuses to unplug a system disk', async () => {
    const vm = await newVm();
    const [root] = (await c().call('VM.get_VBDs', vm)) as string[];
    expect(await c().fail('VBD.plug', String(root))).toEqual(['VM_BAD_POWER_STATE', vm, 'running', 'halted']);
    await c().call('VM.start', vm, false, false);
    expect(await c().fail('VBD.unplug', String(root))).toEqual(['VBD_NOT_UNPLUGGABLE', root]);
  });

  it('ejects and inserts CDs, with their errors', async () => {
    const vm = await newVm();
    const cd = String(await c().call('VBD.create', vbdRecord(vm, 'OpaqueRef:NULL', { type: 'CD', mode: 'RO', empty: true, userdevice: '3' })));
    expect(await c().fail('VBD.eject', cd)).toEqual(['VBD_IS_EMPTY', cd]);
    await c().call('VBD.insert', cd, toolsIso);
    expect(await c().fail('VBD.insert', cd, toolsIso)).toEqual(['VBD_NOT_EMPTY', cd]);
    const [disk] = (await c().call('VM.get_VBDs', vm)) as string[];
    expect(await c().fail('VBD.eject', String(disk))).toEqual(['VBD_NOT_REMOVABLE_MEDIA', disk]);
    await c().call('VM.start', vm, false, false);
    await c().call('VM.suspend', vm);
    expect(await c().fail('VBD.eject', cd)).toEqual(['VM_BAD_POWER_STATE', vm, 'halted, running', 'suspended']);
  });
});

describe('VIF and network rules', () => {
  const rows: Array<{ reason: string; extra: Record<string, XmlRpcValue>; expected: string[] }> = [
    { reason: 'a device that is not an unsigned integer', extra: { device: 'eth0' }, expected: ['INVALID_DEVICE', 'eth0'] },
    { reason: 'a malformed MAC', extra: { MAC: 'zz:00' }, expected: ['MAC_INVALID', 'zz:00'] },
  ];
  it.each(rows)('VIF.create refuses $reason', async ({ extra, expected }) => {
    expect(await c().fail('VIF.create', vifRecord(await newVm(), extra))).toEqual(expected);
  });

  it('generates MACs from mac_seed, refuses duplicate devices and attached destroys', async () => {
    const vm = await newVm();
    const vif = String(await c().call('VIF.create', vifRecord(vm)));
    const again = String(await c().call('VIF.create', vifRecord(vm, { device: '1' })));
    const [mac0, mac1] = [await c().call('VIF.get_MAC', vif), await c().call('VIF.get_MAC', again)];
    expect(mac0).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    expect(mac0).not.toBe(mac1);
    expect(await c().fail('VIF.create', vifRecord(vm))).toEqual(['DEVICE_ALREADY_EXISTS', '0']);
    expect(await c().fail('VIF.plug', vif)).toEqual(['VM_BAD_POWER_STATE', vm, 'running', 'halted']);
    await c().call('VM.start', vm, false, false);
    expect(await c().fail('VIF.destroy', vif)).toEqual(['OPERATION_NOT_ALLOWED', 'VIF currently attached to a running VM']);
    await c().call('VIF.unplug', vif);
    await c().call('VIF.destroy', vif);
  });

  const networkRows: Array<{ reason: string; bridge: string; expected: string[] | 'ok' }> = [
    { reason: 'an empty bridge picks xapi<N>', bridge: '', expected: 'ok' },
    { reason: 'a reserved prefix', bridge: 'xenbr9', expected: ['INVALID_VALUE', 'bridge', 'xenbr9'] },
    { reason: 'a name over 15 characters', bridge: 'a-very-long-bridge', expected: ['INVALID_VALUE', 'bridge', 'a-very-long-bridge'] },
    { reason: 'a free custom name', bridge: 'br-web', expected: 'ok' },
  ];
  it.each(networkRows)('network.create with $reason', async ({ bridge, expected }) => {
    const record = { name_label: `net-${bridge}`, other_config: {}, bridge, MTU: '0' };
    if (expected !== 'ok') return expect(await c().fail('network.create', record)).toEqual(expected);
    const net = String(await c().call('network.create', record));
    expect(await c().record('network', net)).toMatchObject({ bridge: bridge || expect.stringMatching(/^xapi\d+$/), MTU: '1500', managed: true });
  });

  it('network.destroy refuses attached VIFs and PIFs, and takes detached VIFs along', async () => {
    const net = String(await c().call('network.create', { name_label: 'app', other_config: {} }));
    const vm = await newVm();
    const vif = String(await c().call('VIF.create', vifRecord(vm, { network: net })));
    await c().call('VM.start', vm, false, false);
    expect(await c().fail('network.destroy', net)).toEqual(['NETWORK_CONTAINS_VIF', vif]);
    await c().call('VM.hard_shutdown', vm);
    await c().call('network.destroy', net);
    expect(await c().call('VM.get_VIFs', vm)).toEqual([]);
  });

  it('network.destroy of a network with a PIF: NETWORK_CONTAINS_PIF [pifs]', async () => {
    const fresh = await startTestXen();
    try {
      const seedNetwork = await fresh.client.ref('network', SEED_UUIDS.network);
      expect(await fresh.client.fail('network.destroy', seedNetwork)).toEqual(['NETWORK_CONTAINS_PIF', await fresh.client.ref('PIF', SEED_UUIDS.pif)]);
    } finally {
      await fresh.close();
    }
  });
});
