/**
 * Overlapping changes of one infrastructure (im.md (g)): with `corruptConcurrentChanges` on (the
 * default) an AddResource or RemoveResource that arrives while a create or another change runs
 * leaves duplicated VM ids and `Deleted VM.` for VMs vm_states still shows `configured`; with it
 * off they apply in order. Either way the overlap is listed by `converge.sim.im.overlaps`, and a
 * client that waits for each reply never produces one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Overlap } from '../../../src/backends/im/sim/index.js';
import { AUTH, TRANSCRIPT_RADL, createInfra, startTestSim, until, vmStates, type TestSim } from './helpers.js';

const SLOW = { createBaseMs: 60_000, createMsPerVm: 60_000 };
const radlOf = (count: number) => TRANSCRIPT_RADL.replace('deploy node 2', `deploy node ${count}`);
const ADD_TWO = 'network net\nsystem node\ndeploy node 2';


let sim: TestSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('overlapping changes corrupt the infrastructure', () => {
  it('an AddResource during a create hands out ids the create already uses', async () => {
    sim = await startTestSim(SLOW);
    const inf = await createInfra(sim, radlOf(3), AUTH, true);
    const adding = sim.call('AddResource', inf, ADD_TWO, AUTH);
    await until(() => sim!.sim.overlaps().length === 1);
    sim.sim.knobs.clock.advance(240_000);
    expect(await adding).toEqual([true, [0, 1]]);
    expect(await sim.call('GetInfrastructureInfo', inf, AUTH)).toEqual([true, ['0', '1', '2', '0', '1']]);
    const overlaps = (await sim.call('converge.sim.im.overlaps')) as unknown as Overlap[];
    expect(overlaps).toEqual([expect.objectContaining({ method: 'AddResource', infId: inf, running: 'CreateInfrastructure' })]);
  });

  it('a RemoveResource during a create leaves a VM that vm_states shows configured and VM calls call deleted', async () => {
    sim = await startTestSim(SLOW);
    const inf = await createInfra(sim, radlOf(3), AUTH, true);
    sim.sim.knobs.clock.advance(121_000);
    const removing = sim.call('RemoveResource', inf, '0', AUTH);
    await until(() => sim!.sim.overlaps().length === 1);
    sim.sim.knobs.clock.advance(240_000);
    expect(await removing).toEqual([true, 1]);
    expect(await vmStates(sim, inf)).toEqual({ state: 'configured', vm_states: { '0': 'configured', '1': 'configured', '2': 'configured' } });
    expect(await sim.call('GetVMInfo', inf, '0', AUTH)).toEqual([false, 'Deleted VM.']);
  });

  it('an AddResource during a RemoveResource lists the removed VMs again', async () => {
    sim = await startTestSim();
    const inf = await createInfra(sim, radlOf(2));
    await sim.call('converge.sim.im.settings', SLOW);
    const removing = sim.call('RemoveResource', inf, '1', AUTH);
    await until(() => sim!.sim.dump().infrastructures[0]?.vms[1]?.state === 'deleting');
    const adding = sim.call('AddResource', inf, ADD_TWO, AUTH);
    await until(() => sim!.sim.overlaps().length === 1);
    sim.sim.knobs.clock.advance(180_000);
    expect([await removing, await adding]).toEqual([[true, 1], [true, [2, 3]]]);
    expect(await sim.call('GetInfrastructureInfo', inf, AUTH)).toEqual([true, ['0', '1', '2', '3']]);
    expect(await sim.call('GetVMInfo', inf, '1', AUTH)).toEqual([false, 'Deleted VM.']);
  });

  it('records every mutating call that arrives during a change, not only AddResource and RemoveResource', async () => {
    sim = await startTestSim(SLOW);
    const inf = await createInfra(sim, radlOf(1), AUTH, true);
    expect(await sim.call('StopInfrastructure', inf, AUTH)).toEqual([true, '']);
    expect(await sim.call('GetInfrastructureState', inf, AUTH)).toEqual([true, expect.anything()]);
    expect(sim.sim.overlaps().map((o) => o.method)).toEqual(['StopInfrastructure']);
  });
});

describe('without corruption, or without overlap', () => {
  it('applies overlapping changes in order when corruptConcurrentChanges is off, and still records them', async () => {
    sim = await startTestSim({ ...SLOW, corruptConcurrentChanges: false });
    const inf = await createInfra(sim, radlOf(3), AUTH, true);
    const adding = sim.call('AddResource', inf, ADD_TWO, AUTH);
    await until(() => sim!.sim.overlaps().length === 1);
    sim.sim.knobs.clock.advance(240_000);
    expect(await adding).toEqual([true, [3, 4]]);
    expect(await sim.call('GetInfrastructureInfo', inf, AUTH)).toEqual([true, ['0', '1', '2', '3', '4']]);
  });

  it('never overlaps when each change waits for the reply of the one before', async () => {
    sim = await startTestSim({ createBaseMs: 20, createMsPerVm: 10 });
    const inf = await createInfra(sim, radlOf(2));
    expect(await sim.call('AddResource', inf, ADD_TWO, AUTH)).toEqual([true, [2, 3]]);
    expect(await sim.call('RemoveResource', inf, '0,3', AUTH)).toEqual([true, 2]);
    expect(await sim.call('AddResource', inf, ADD_TWO, AUTH)).toEqual([true, [4, 5]]);
    expect(await sim.call('GetInfrastructureInfo', inf, AUTH)).toEqual([true, ['1', '2', '4', '5']]);
    expect(await sim.call('converge.sim.im.overlaps')).toEqual([]);
    expect(await sim.call('converge.sim.im.settings')).toMatchObject({ corruptConcurrentChanges: true });
  });
});
