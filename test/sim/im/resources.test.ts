/**
 * VM ids and AddResource / RemoveResource / Reconfigure rules: ids are positions and never
 * reused, removal is all-or-nothing, each request must carry (or reference) what it uses,
 * new systems are added, deploys replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { XmlRpcValue } from '../../../src/xmlrpc/value.js';
import { AUTH, TRANSCRIPT_RADL, createInfra, ok, startTestSim, type TestSim } from './helpers.js';

describe('VM ids', () => {
  let sim: TestSim;
  let inf: string;
  beforeAll(async () => {
    sim = await startTestSim();
    inf = await createInfra(sim);
  });
  afterAll(async () => sim.close());

  const removals: Array<{ reason: string; list: XmlRpcValue; result: XmlRpcValue }> = [
    { reason: 'an unknown id fails the whole call before anything is removed', list: '0,99', result: [false, 'Invalid VM ID'] },
    { reason: 'a non-numeric id is invalid', list: ['0', 'abc'], result: [false, 'Invalid VM ID'] },
    { reason: 'an empty list string is an invalid id', list: '', result: [false, 'Invalid VM ID'] },
    { reason: 'a struct is not a VM list', list: { id: 0 }, result: [false, 'Incorrect parameter type to RemoveResource function: expected: str, int or list of str.'] },
    { reason: 'a single int removes one VM', list: 1, result: [true, 1] },
    { reason: 'a removed VM cannot be removed again', list: [1], result: [false, 'Deleted VM.'] },
  ];
  it.each(removals)('$reason', async ({ list, result }) => {
    expect(await sim.call('RemoveResource', inf, list, AUTH)).toEqual(result);
  });

  it('kept VM 0 through the failed removals', async () => {
    expect(await sim.call('GetInfrastructureInfo', inf, AUTH)).toEqual([true, ['0']]);
  });

  it('never reuses ids and tells removed ids from unknown ones', async () => {
    expect(await sim.call('AddResource', inf, 'network net\nsystem node\ndeploy node 2', AUTH)).toEqual([true, [2, 3]]);
    expect(await sim.call('RemoveResource', inf, '2,3', AUTH)).toEqual([true, 2]);
    expect(await sim.call('AddResource', inf, 'network net\nsystem node\ndeploy node 1', AUTH)).toEqual([true, [4]]);
    expect(await sim.call('GetVMInfo', inf, '3', AUTH)).toEqual([false, 'Deleted VM.']);
    expect(await sim.call('GetVMInfo', inf, '5', AUTH)).toEqual([false, 'Invalid VM ID']);
    expect(await sim.call('GetVMInfo', inf, -1, AUTH)).toEqual([false, 'Invalid VM ID']);
    expect(ok(await sim.call('GetVMProperty', inf, 4, 'net_interface.0.dns_name', AUTH))).toBe('vnode-4');
  });

  it('reads unknown, not pending, once every VM is removed', async () => {
    expect(await sim.call('RemoveResource', inf, [0, 4], AUTH)).toEqual([true, 2]);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({ state: 'unknown', vm_states: {} });
  });
});

describe('AddResource merge rules', () => {
  let sim: TestSim;
  let inf: string;
  beforeAll(async () => {
    sim = await startTestSim();
    inf = await createInfra(sim, TRANSCRIPT_RADL.replace('deploy node 2', 'deploy node 1'));
  });
  afterAll(async () => sim.close());

  const rows: Array<{ reason: string; radl: string; result: XmlRpcValue }> = [
    { reason: 'a stored system referenced without its network fails on the stored line', radl: 'system node\ndeploy node 1', result: [false, "Line 5: Invalid value in property 'net_interface.0.connection'"] },
    { reason: 'references to unknown systems fail', radl: 'network net\nsystem ghost\ndeploy ghost 1', result: [false, "Unknown reference in RADL to <class 'radl.radl.system'> 'ghost'"] },
    { reason: 'references to unknown networks fail', radl: 'network nowhere\nsystem node\ndeploy node 1', result: [false, "Unknown reference in RADL to <class 'radl.radl.network'> 'nowhere'"] },
    { reason: 'a deploy must name a system of the request', radl: 'network net\ndeploy node 1', result: [false, 'Line 2: Invalid system id in the deploy.'] },
    { reason: 'no deploy adds nothing', radl: 'network net\nsystem node', result: [true, []] },
    { reason: 'a zero deploy adds nothing', radl: 'network net\nsystem node\ndeploy node 0', result: [true, []] },
    { reason: 'a new system is added and launched', radl: "network net\nsystem worker ( cpu.count = 2 and net_interface.0.connection = 'net' )\ndeploy worker 2", result: [true, [1, 2]] },
    { reason: 'a redefinition of a stored system is used for the VM but not stored', radl: "network net\nsystem node ( cpu.count = 8 and net_interface.0.connection = 'net' )\ndeploy node 1", result: [true, [3]] },
  ];
  it.each(rows)('$reason', async ({ radl, result }) => {
    expect(await sim.call('AddResource', inf, radl, AUTH)).toEqual(result);
  });

  it('stored the new system, kept the old definition and replaced the deploys', async () => {
    const radl = String(ok(await sim.call('GetInfrastructureRADL', inf, AUTH)));
    expect(radl).toContain("system worker (\ncpu.count = 2 and\nnet_interface.0.connection = 'net'\n)\n");
    expect(radl).toContain('system node (\ncpu.count >= 1 and\n');
    expect(radl.endsWith('contextualize ()\ndeploy node 1')).toBe(true);
    expect(ok(await sim.call('GetVMProperty', inf, 3, 'cpu.count', AUTH))).toBe(8);
    expect(ok(await sim.call('GetVMProperty', inf, 1, 'cpu.count', AUTH))).toBe(2);
  });

  it('a failed request is logged and marks the infrastructure unconfigured until the next contextualization', async () => {
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toMatchObject({ state: 'configured' });
    expect(await sim.call('AddResource', inf, 'network nowhere\nsystem node\ndeploy node 1', AUTH)).toEqual([false, expect.any(String)]);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({
      state: 'unconfigured',
      vm_states: { '0': 'unconfigured', '1': 'unconfigured', '2': 'unconfigured', '3': 'unconfigured' },
    });
    expect(String(ok(await sim.call('GetInfrastructureContMsg', inf, AUTH, true)))).toContain("Error parsing RADL: Unknown reference in RADL to <class 'radl.radl.network'> 'nowhere'\n");
    expect(await sim.call('Reconfigure', inf, '', AUTH)).toEqual([true, '']);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toMatchObject({ state: 'configured' });
  });

  it('Reconfigure stores new configures and rejects invalid YAML', async () => {
    const recipe = 'configure node (\n@begin\n- tasks:\n  - debug: msg=hi\n@end\n)';
    expect(await sim.call('Reconfigure', inf, recipe, AUTH)).toEqual([true, '']);
    expect(String(ok(await sim.call('GetInfrastructureRADL', inf, AUTH)))).toContain('configure node (\n@begin\n\n- tasks:\n  - debug: msg=hi\n\n@end\n)');
    const bad = await sim.call('Reconfigure', inf, 'configure node (\n@begin\n- tasks: [\n@end\n)', AUTH);
    expect(bad).toEqual([false, expect.stringMatching(/^Line 1: Error parsing YAML: /)]);
  });
});
