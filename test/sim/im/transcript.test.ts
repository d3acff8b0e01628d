/**
 * Replays the wire transcript recorded from a real IM v1.19.2 with the Dummy connector
 * (../shared/apis/im.md, section (e)): same calls, same result types and values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, OTHER_AUTH, TRANSCRIPT_RADL, createInfra, ok, startTestSim, type TestSim } from './helpers.js';

const UUID1 = /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const VM0_SYSTEM = (state: string, password: string) =>
  "system node (\ncpu.count >= 1 and\nmemory.size >= 512m and\nnet_interface.0.connection = 'net' and\n" +
  "disk.0.os.name = 'linux' and\ndisk.0.image.url = 'mock0://linux.for.ev.er/image1' and\n" +
  `state = '${state}' and\nprovider.type = 'Dummy' and\nnet_interface.0.ip = '10.0.0.1' and\n` +
  "disk.0.os.credentials.username = 'username' and\ndisk.0.os.credentials.password = 'password' and\n" +
  `disk.0.os.credentials.new.password = '${password}' and\nnet_interface.0.dns_name = 'vnode-0'\n)\n`;

describe('IM v1.19.2 transcript replay', () => {
  let sim: TestSim;
  let inf: string;
  beforeAll(async () => {
    sim = await startTestSim();
  });
  afterAll(async () => sim.close());

  it('answers GetVersion and an empty list', async () => {
    expect(await sim.call('GetVersion')).toEqual([true, '1.19.2']);
    expect(await sim.call('GetInfrastructureList', AUTH)).toEqual([true, []]);
  });

  it('creates an infrastructure with a uuid1 id and string VM ids', async () => {
    inf = await createInfra(sim);
    expect(inf).toMatch(UUID1);
    expect(await sim.call('GetInfrastructureInfo', inf, AUTH)).toEqual([true, ['0', '1']]);
    expect(await sim.call('GetInfrastructureState', inf, AUTH)).toEqual([
      true,
      { state: 'configured', vm_states: { '0': 'configured', '1': 'configured' } },
    ]);
  });

  it('prints the VM RADL with the features IM and Dummy add', async () => {
    const info = String(ok(await sim.call('GetVMInfo', inf, '0', AUTH)));
    const password = /new\.password = '([A-Za-z0-9]{8})'/.exec(info)?.[1] ?? 'missing';
    expect(info).toBe(`network net ( outbound = 'no' )\n${VM0_SYSTEM('configured', password)}\n`);
    expect(String(ok(await sim.call('GetVMInfo', inf, 1, AUTH)))).toContain("net_interface.0.dns_name = 'vnode-1'\n)\n\n");
  });

  it('reads VM properties with Python types, None as a fault', async () => {
    expect(await sim.call('GetVMProperty', inf, '0', 'state', AUTH)).toEqual([true, 'configured']);
    expect(await sim.call('GetVMProperty', inf, '0', 'net_interface.0.ip', AUTH)).toEqual([true, '10.0.0.1']);
    expect(await sim.call('GetVMProperty', inf, '0', 'cpu.count', AUTH)).toEqual([true, 1]);
    expect(await sim.call('GetVMProperty', inf, '0', 'memory.size', AUTH)).toEqual([true, 512000000]);
    expect(await sim.fault('GetVMProperty', inf, '0', 'no.such.property', AUTH)).toBe(
      "<class 'TypeError'>:cannot marshal None unless allow_none is enabled",
    );
  });

  it('returns cont msgs, the stored RADL and the owners', async () => {
    expect(await sim.call('GetVMContMsg', inf, '0', AUTH)).toEqual([true, '']);
    expect(await sim.call('GetInfrastructureContMsg', inf, AUTH)).toEqual([true, 'Contextualization disabled by the RADL/TOSCA template.\n\n']);
    expect(await sim.call('GetInfrastructureRADL', inf, AUTH)).toEqual([
      true,
      "network net ( outbound = 'no' )\nsystem node (\ncpu.count >= 1 and\nmemory.size >= 512m and\n" +
        "net_interface.0.connection = 'net' and\ndisk.0.os.name = 'linux' and\n" +
        "disk.0.image.url = 'mock0://linux.for.ev.er/image1'\n)\n\ncontextualize ()\ndeploy node 2",
    ]);
    expect(await sim.call('GetInfrastructureOwners', inf, AUTH)).toEqual([true, ['user']]);
  });

  it('fails an AddResource without the network and marks the infrastructure unconfigured', async () => {
    expect(await sim.call('AddResource', inf, 'system node\ndeploy node 1\n', AUTH)).toEqual([
      false,
      "Line 5: Invalid value in property 'net_interface.0.connection'",
    ]);
    expect(await sim.call('GetInfrastructureState', inf, AUTH)).toEqual([
      true,
      { state: 'unconfigured', vm_states: { '0': 'unconfigured', '1': 'unconfigured' } },
    ]);
    const msg = String(ok(await sim.call('GetInfrastructureContMsg', inf, AUTH)));
    expect(msg).toMatch(
      /^Contextualization disabled by the RADL\/TOSCA template\.\n\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?: Error parsing RADL: Line 5: Invalid value in property 'net_interface\.0\.connection'\n$/,
    );
  });

  it('adds, removes and never reuses VM ids', async () => {
    expect(await sim.call('AddResource', inf, 'network net\nsystem node\ndeploy node 1\n', AUTH)).toEqual([true, [2]]);
    expect(await sim.call('GetInfrastructureInfo', inf, AUTH)).toEqual([true, ['0', '1', '2']]);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({
      state: 'configured',
      vm_states: { '0': 'configured', '1': 'configured', '2': 'configured' },
    });
    expect(await sim.call('RemoveResource', inf, '1', AUTH)).toEqual([true, 1]);
    expect(await sim.call('GetInfrastructureInfo', inf, AUTH)).toEqual([true, ['0', '2']]);
    expect(await sim.call('RemoveResource', inf, ['2'], AUTH)).toEqual([true, 1]);
    expect(await sim.call('AddResource', inf, 'network net\nsystem node\ndeploy node 2\n', AUTH)).toEqual([true, [3, 4]]);
    expect(await sim.call('RemoveResource', inf, '3,4', AUTH)).toEqual([true, 2]);
    expect(await sim.call('AddResource', inf, 'network net\nsystem node\ndeploy node 1\n', AUTH, false)).toEqual([true, [5]]);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({
      state: 'running',
      vm_states: { '0': 'configured', '5': 'running' },
    });
  });

  it('alters a VM and returns its whole stored RADL', async () => {
    const altered = String(ok(await sim.call('AlterVM', inf, '0', 'system node ( cpu.count >= 2 and memory.size >= 2g )', AUTH)));
    expect(altered).toMatch(/^network net \( outbound = 'no' \)\nsystem node \(\ncpu\.count >= 2 and\ncpu\.count >= 2 and\nmemory\.size = 2000M and\nnet_interface\.0\.connection = 'net' and\n/);
    expect(altered).toContain("state = 'configured' and\nprovider.type = 'Dummy' and\n");
    expect(altered).toMatch(/net_interface\.0\.dns_name = 'vnode-0'\n\)\n\ncontextualize \(\)\ndeploy node 2$/);
    const info = String(ok(await sim.call('GetVMInfo', inf, '0', AUTH)));
    expect(info).toMatch(/net_interface\.0\.dns_name = 'vnode-0'\n\)\n\n$/);
    expect(await sim.call('GetVMProperty', inf, '0', 'memory.size', AUTH)).toEqual([true, 2000000000]);
    expect(await sim.call('AlterVM', inf, '0', 'system other ( cpu.count >= 2 and memory.size >= 2g )', AUTH)).toEqual([
      false,
      'Incorrect RADL no system with name node provided.',
    ]);
    expect(await sim.call('AlterVM', inf, '0', 'system node ( cpu.count >= 4 )', AUTH)).toEqual([
      false,
      "'NoneType' object has no attribute 'getValue'",
    ]);
  });

  it('stops and starts VMs and the infrastructure', async () => {
    expect(await sim.call('StopVM', inf, '0', AUTH)).toEqual([true, '']);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({ state: 'running', vm_states: { '0': 'stopped', '5': 'running' } });
    for (const m of ['StartVM', 'RebootVM']) expect(await sim.call(m, inf, '0', AUTH)).toEqual([true, '']);
    expect(await sim.call('StopInfrastructure', inf, AUTH)).toEqual([true, '']);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({ state: 'stopped', vm_states: { '0': 'stopped', '5': 'stopped' } });
    expect(await sim.call('StartInfrastructure', inf, AUTH)).toEqual([true, '']);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({ state: 'running', vm_states: { '0': 'configured', '5': 'running' } });
  });

  it('serves the Dummy cloud: images, quotas, snapshots', async () => {
    expect(await sim.call('GetCloudImageList', 'dummy', AUTH)).toEqual([
      true,
      [
        { uri: 'mock0://linux.for.ev.er/image1', name: 'Image Name1' },
        { uri: 'mock0://linux.for.ev.er/image2', name: 'Image Name2' },
      ],
    ]);
    expect(await sim.call('GetCloudImageList', 'nope', AUTH)).toEqual([false, 'Cloud ID nope not found.']);
    const quota = { used: 1, limit: 10 };
    expect(await sim.call('GetCloudQuotas', 'dummy', AUTH)).toEqual([
      true,
      { cores: quota, ram: quota, instances: quota, floating_ips: quota, security_groups: quota },
    ]);
    expect(await sim.call('CreateDiskSnapshot', inf, '0', 0, 'snap1', true, AUTH)).toEqual([true, 'mock0://linux.for.ev.er/snap1']);
  });

  it('exports, refuses a duplicate import, deletes on export and imports under the same id', async () => {
    const exported = String(ok(await sim.call('ExportInfrastructure', inf, false, AUTH)));
    const parsed = JSON.parse(exported) as { id: string; vm_list: Array<{ im_id: number; id: string }>; auth: Array<{ admin: boolean }> };
    expect(parsed.id).toBe(inf);
    expect(parsed.vm_list.map((vm) => vm.im_id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(parsed.vm_list[0]?.id).toMatch(/^\d+$/);
    expect(parsed.auth[0]?.admin).toBe(false);
    expect(exported).toContain('"id": "');
    expect(await sim.call('ImportInfrastructure', exported, AUTH)).toEqual([false, 'Trying to add an existing infrastructure ID.']);
    const deleting = String(ok(await sim.call('ExportInfrastructure', inf, true, AUTH)));
    expect(await sim.call('GetInfrastructureInfo', inf, AUTH)).toEqual([false, 'Invalid infrastructure ID or access not granted.']);
    expect(await sim.call('ImportInfrastructure', deleting, AUTH)).toEqual([true, inf]);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({
      state: 'unconfigured',
      vm_states: { '0': 'configured', '5': 'unconfigured' },
    });
  });

  it('changes owners and reconfigures', async () => {
    const u2 = [{ type: 'InfrastructureManager', username: 'u2', password: 'p2' }];
    expect(await sim.call('ChangeInfrastructureAuth', inf, u2, false, AUTH)).toEqual([true, '']);
    expect(await sim.call('GetInfrastructureOwners', inf, AUTH)).toEqual([true, ['user', 'u2']]);
    expect(await sim.call('Reconfigure', inf, '', AUTH)).toEqual([true, '']);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({
      state: 'configured',
      vm_states: { '0': 'configured', '5': 'configured' },
    });
  });

  it('estimates resources per cloud', async () => {
    expect(await sim.call('EstimateResources', TRANSCRIPT_RADL, AUTH)).toEqual([
      true,
      {
        dummy: {
          cloudType: 'Dummy',
          cloudEndpoint: 'http://:80',
          compute: [
            { cpuCores: 1, memoryInMegabytes: 512 },
            { cpuCores: 1, memoryInMegabytes: 512 },
          ],
          storage: [],
        },
      },
    ]);
  });

  it('answers the recorded errors', async () => {
    expect(await sim.call('GetInfrastructureInfo', inf, OTHER_AUTH)).toEqual([false, 'Access to this infrastructure not granted.']);
    expect(await sim.call('GetInfrastructureInfo', 'no-such-inf', AUTH)).toEqual([false, 'Invalid infrastructure ID or access not granted.']);
    for (const auth of [[{ type: 'Dummy' }], []]) {
      expect(await sim.call('GetInfrastructureInfo', inf, auth)).toEqual([false, 'No credentials provided for the InfrastructureManager.']);
    }
    expect(await sim.call('GetInfrastructureInfo', inf, [{ type: 'InfrastructureManager', password: 'pass' }])).toEqual([
      false,
      'No username nor token for the InfrastructureManager.',
    ]);
    expect(await sim.call('GetInfrastructureInfo', inf, [{ id: '1bad', type: 'InfrastructureManager', username: 'user', password: 'pass' }])).toEqual([
      false,
      'Incorrect value in auth item id: 1bad',
    ]);
    for (const id of ['99', 'abc']) expect(await sim.call('GetVMInfo', inf, id, AUTH)).toEqual([false, 'Invalid VM ID']);
    expect(await sim.call('GetVMInfo', inf, '1', AUTH)).toEqual([false, 'Deleted VM.']);
    expect(await sim.call('CreateInfrastructure', 'system node ( cpu.count >= 1 ', AUTH)).toEqual([false, 'Parse error in: None']);
    expect(await sim.call('CreateInfrastructure', TRANSCRIPT_RADL, [AUTH[0] ?? {}])).toEqual([false, 'No cloud provider available']);
    expect(await sim.call('CreateInfrastructure', TRANSCRIPT_RADL.replace('deploy node 2', 'deploy node 1 nosuch'), AUTH)).toEqual([
      false,
      'No auth data for cloud with ID: nosuch',
    ]);
    expect(await sim.call('CreateInfrastructure', '[{"class": "system", "id": "node"}]', AUTH)).toEqual([
      false,
      "Line 1: Parse error in: LexToken(VAR,'class',1,3)",
    ]);
    expect(await sim.fault('GetInfrastructureInfo', inf, AUTH, 'extra')).toBe(
      "<class 'TypeError'>:GetInfrastructureInfo() takes 2 positional arguments but 3 were given",
    );
  });

  it('destroys once; the id is then unknown everywhere', async () => {
    expect(await sim.call('DestroyInfrastructure', inf, AUTH)).toEqual([true, '']);
    for (const m of ['GetInfrastructureInfo', 'GetInfrastructureState', 'DestroyInfrastructure']) {
      expect(await sim.call(m, inf, AUTH)).toEqual([false, 'Invalid infrastructure ID or access not granted.']);
    }
    expect(await sim.call('GetInfrastructureList', AUTH)).toEqual([true, []]);
  });
});
