/**
 * Changes that take time (im.md (g)): a create, AddResource or RemoveResource of N VMs lasts
 * createBaseMs + N × createMsPerVm on the virtual clock; meanwhile the infrastructure is listed
 * with its whole RADL, its VM list is partial and grows, a listed VM can still be `Invalid VM
 * ID`, and a synchronous call answers only when the work is done. Most tests use minute-long
 * slots and move the virtual clock; one lets a default-timed create run in real time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ImSimulator } from '../../../src/backends/im/sim/index.js';
import { XmlRpcClient } from '../../../src/xmlrpc/client.js';
import { AUTH, TRANSCRIPT_RADL, createInfra, ok, settled, startTestSim, until, vmStates, type TestSim } from './helpers.js';

const SLOW = { createBaseMs: 60_000, createMsPerVm: 60_000 };
const radlOf = (count: number) => TRANSCRIPT_RADL.replace('deploy node 2', `deploy node ${count}`);
const MARKED = `description converge ( converge.owner = 'o' and converge.key = 'Infrastructure/web' )\n${radlOf(3)}`;


const vmRecords = (sim: TestSim, inf: string) => sim.sim.dump().infrastructures.find((i) => i.id === inf)?.vms ?? [];

let sim: TestSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('creates take time', () => {
  it('defaults to about 100 ms plus 50 ms per VM, with corruption of overlapping changes on', () => {
    expect({ ...new ImSimulator().settings }).toEqual({ createBaseMs: 100, createMsPerVm: 50, corruptConcurrentChanges: true });
  });

  it('lists the infrastructure at once and its VMs one by one, pending before they can be read', async () => {
    sim = await startTestSim(SLOW);
    const inf = await createInfra(sim, MARKED, AUTH, true);
    expect(await sim.call('GetInfrastructureList', AUTH, "converge\\.key = 'Infrastructure/web'")).toEqual([true, [inf]]);
    expect(String(ok(await sim.call('GetInfrastructureRADL', inf, AUTH)))).toContain('deploy node 3');
    expect(await vmStates(sim, inf)).toEqual({ state: 'pending', vm_states: {} });

    sim.sim.knobs.clock.advance(90_000);
    expect(await vmStates(sim, inf)).toEqual({ state: 'pending', vm_states: { '0': 'pending' } });
    expect(await sim.call('GetInfrastructureInfo', inf, AUTH)).toEqual([true, ['0']]);
    expect(await sim.call('GetVMInfo', inf, '0', AUTH)).toEqual([false, 'Invalid VM ID']);

    sim.sim.knobs.clock.advance(30_000);
    expect(await vmStates(sim, inf)).toEqual({ state: 'running', vm_states: { '0': 'running' } });
    expect(await sim.call('GetVMProperty', inf, '0', 'state', AUTH)).toEqual([true, 'running']);

    sim.sim.knobs.clock.advance(30_000);
    expect(await vmStates(sim, inf)).toEqual({ state: 'pending', vm_states: { '0': 'running', '1': 'pending' } });

    sim.sim.knobs.clock.advance(90_000);
    expect(await vmStates(sim, inf)).toEqual({ state: 'configured', vm_states: { '0': 'configured', '1': 'configured', '2': 'configured' } });
  });

  it('answers a synchronous create only once every VM is launched', async () => {
    sim = await startTestSim(SLOW);
    const creating = sim.call('CreateInfrastructure', radlOf(2), AUTH);
    await until(() => sim!.sim.dump().infrastructures.length === 1);
    expect(ok(await sim.call('GetInfrastructureList', AUTH))).toHaveLength(1);
    expect(await settled(creating)).toBe(false);
    sim.sim.knobs.clock.advance(180_000);
    const inf = String(ok(await creating));
    expect(await sim.call('GetInfrastructureInfo', inf, AUTH)).toEqual([true, ['0', '1']]);
    expect(await vmStates(sim, inf)).toEqual({ state: 'configured', vm_states: { '0': 'configured', '1': 'configured' } });
  });

  it('finishes a create whose client gave up waiting', async () => {
    sim = await startTestSim(SLOW);
    const client = new XmlRpcClient({ url: sim.url, timeoutMs: 300 });
    const error = (await client.call('CreateInfrastructure', [radlOf(2), AUTH]).catch((e: unknown) => e)) as { code?: string };
    client.close();
    expect(error.code).toBe('XMLRPC_TIMEOUT');
    const [inf] = ok(await sim.call('GetInfrastructureList', AUTH)) as string[];
    sim.sim.knobs.clock.advance(180_000);
    expect(await vmStates(sim, String(inf))).toEqual({ state: 'configured', vm_states: { '0': 'configured', '1': 'configured' } });
  });

  it('really takes wall time with the default timing, the VM list growing meanwhile', async () => {
    sim = await startTestSim({ createBaseMs: 100, createMsPerVm: 50 });
    const creating = sim.call('CreateInfrastructure', radlOf(16), AUTH);
    const seen: number[] = [];
    while (!(await settled(creating))) {
      const [inf] = ok(await sim.call('GetInfrastructureList', AUTH)) as string[];
      if (inf) seen.push((ok(await sim.call('GetInfrastructureInfo', inf, AUTH)) as string[]).length);
    }
    const inf = String(ok(await creating));
    expect(ok(await sim.call('GetInfrastructureInfo', inf, AUTH))).toHaveLength(16);
    expect((await vmStates(sim, inf)).state).toBe('configured');
    expect(seen.some((n) => n > 0 && n < 16)).toBe(true);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('refuses to destroy an infrastructure while its VMs are being added', async () => {
    sim = await startTestSim(SLOW);
    const inf = await createInfra(sim, radlOf(1), AUTH, true);
    expect(await sim.call('DestroyInfrastructure', inf, AUTH)).toEqual([false, 'Invalid State to perform this operation.']);
    sim.sim.knobs.clock.advance(120_000);
    expect(await sim.call('DestroyInfrastructure', inf, AUTH)).toEqual([true, '']);
  });
});

describe('AddResource and RemoveResource take time too', () => {
  it('adds VMs one by one and answers their ids when the last is launched', async () => {
    sim = await startTestSim();
    const inf = await createInfra(sim);
    await sim.call('converge.sim.im.settings', SLOW);
    const adding = sim.call('AddResource', inf, 'network net\nsystem node\ndeploy node 2', AUTH);
    await until(() => vmRecords(sim!, inf).length === 4);
    sim.sim.knobs.clock.advance(90_000);
    expect(await vmStates(sim, inf)).toEqual({ state: 'pending', vm_states: { '0': 'configured', '1': 'configured', '2': 'pending' } });
    expect(await sim.call('GetInfrastructureInfo', inf, AUTH)).toEqual([true, ['0', '1', '2']]);
    expect(await sim.call('GetVMInfo', inf, 2, AUTH)).toEqual([false, 'Invalid VM ID']);
    sim.sim.knobs.clock.advance(30_000);
    expect(await vmStates(sim, inf)).toEqual({ state: 'running', vm_states: { '0': 'configured', '1': 'configured', '2': 'running' } });
    expect(await settled(adding)).toBe(false);
    sim.sim.knobs.clock.advance(60_000);
    expect(await adding).toEqual([true, [2, 3]]);
    expect((await vmStates(sim, inf)).state).toBe('configured');
  });

  it('shows removed VMs as deleting until each is finalized', async () => {
    sim = await startTestSim();
    const inf = await createInfra(sim, radlOf(3));
    await sim.call('converge.sim.im.settings', SLOW);
    const removing = sim.call('RemoveResource', inf, '0,1', AUTH);
    await until(() => vmRecords(sim!, inf)[0]?.state === 'deleting');
    expect(await vmStates(sim, inf)).toEqual({ state: 'configured', vm_states: { '0': 'deleting', '1': 'deleting', '2': 'configured' } });
    expect(await sim.call('GetVMProperty', inf, 0, 'state', AUTH)).toEqual([true, 'deleting']);
    sim.sim.knobs.clock.advance(120_000);
    expect(await sim.call('GetVMInfo', inf, 0, AUTH)).toEqual([false, 'Deleted VM.']);
    expect(await sim.call('GetInfrastructureInfo', inf, AUTH)).toEqual([true, ['1', '2']]);
    expect(await settled(removing)).toBe(false);
    sim.sim.knobs.clock.advance(60_000);
    expect(await removing).toEqual([true, 2]);
    expect(await vmStates(sim, inf)).toEqual({ state: 'configured', vm_states: { '2': 'configured' } });
  });
});
