/**
 * Persistence across a restart (a new simulator on the same file), the test-only control
 * methods, and fault injection through the shared `converge.sim.*` surface.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImSimDump } from '../../../src/backends/im/sim/index.js';
import { AUTH, TRANSCRIPT_RADL, createInfra, ok, rawCall, startTestSim, type TestSim } from './helpers.js';

describe('persistence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'im-sim-'));
  const path = join(dir, 'im.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('restarts with every infrastructure, VM id counter, owner and stored RADL', async () => {
    const first = await startTestSim({ persistPath: path });
    const inf = await createInfra(first);
    expect(await first.call('RemoveResource', inf, '1', AUTH)).toEqual([true, 1]);
    const gone = await createInfra(first);
    expect(await first.call('DestroyInfrastructure', gone, AUTH)).toEqual([true, '']);
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { infrastructures: unknown[] };
    expect(saved.infrastructures).toHaveLength(2);
    await first.close();

    const second = await startTestSim({ persistPath: path });
    try {
      expect(await second.call('GetInfrastructureList', AUTH)).toEqual([true, [inf]]);
      expect(await second.call('GetInfrastructureInfo', inf, AUTH)).toEqual([true, ['0']]);
      expect(await second.call('GetVMInfo', inf, '1', AUTH)).toEqual([false, 'Deleted VM.']);
      expect(await second.call('AddResource', inf, 'network net\nsystem node\ndeploy node 1', AUTH)).toEqual([true, [2]]);
      expect(String(ok(await second.call('GetInfrastructureRADL', inf, AUTH)))).toContain('memory.size >= 512m');
      expect(await second.call('GetInfrastructureInfo', gone, AUTH)).toEqual([false, 'Invalid infrastructure ID or access not granted.']);
      expect(ok(await second.call('GetInfrastructureState', inf, AUTH))).toEqual({ state: 'configured', vm_states: { '0': 'configured', '2': 'configured' } });
    } finally {
      await second.close();
    }
  });

  it('saves before replying, so a failed AddResource side effect survives a restart', async () => {
    const sim = await startTestSim({ persistPath: path });
    const inf = String((ok(await sim.call('GetInfrastructureList', AUTH)) as string[])[0]);
    expect(await sim.call('AddResource', inf, 'system node\ndeploy node 1', AUTH)).toEqual([false, "Line 5: Invalid value in property 'net_interface.0.connection'"]);
    await sim.close();
    const again = await startTestSim({ persistPath: path });
    expect(ok(await again.call('GetInfrastructureState', inf, AUTH))).toMatchObject({ state: 'unconfigured' });
    await again.close();
  });
});

describe('control methods', () => {
  let sim: TestSim;
  let inf: string;
  beforeAll(async () => {
    sim = await startTestSim();
    inf = await createInfra(sim);
  });
  afterAll(async () => sim.close());

  it('dumps the whole model', async () => {
    const dump = (await sim.call('converge.sim.im.dump')) as unknown as ImSimDump;
    expect(dump.infrastructures).toHaveLength(1);
    expect(dump.infrastructures[0]).toMatchObject({ id: inf, owners: ['user'], destroyed: false });
    expect(dump.infrastructures[0]?.radl).toContain('deploy node 2');
    expect(dump.infrastructures[0]?.vms).toEqual([
      { id: 0, system: 'node', state: 'configured', cpuCount: 1, memoryBytes: 512000000, deleted: false },
      { id: 1, system: 'node', state: 'configured', cpuCount: 1, memoryBytes: 512000000, deleted: false },
    ]);
  });

  it('forces VM states; failed sticks through start and stop', async () => {
    expect(await sim.call('converge.sim.im.setVmState', inf, 1, 'failed')).toBe(true);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({ state: 'failed', vm_states: { '0': 'configured', '1': 'failed' } });
    await sim.call('StopInfrastructure', inf, AUTH);
    await sim.call('StartInfrastructure', inf, AUTH);
    expect(ok(await sim.call('GetVMProperty', inf, 1, 'state', AUTH))).toBe('failed');
    sim.sim.setVmState(inf, 0, 'off');
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({ state: 'failed', vm_states: { '0': 'off', '1': 'failed' } });
    sim.sim.setVmState(inf, 1, 'unconfigured');
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({ state: 'off', vm_states: { '0': 'off', '1': 'unconfigured' } });
  });

  it('rejects unknown states and ids with a fault', async () => {
    expect(await sim.fault('converge.sim.im.setVmState', inf, 0, 'exploded')).toMatch(/^invalid VM state 'exploded'/);
    expect(await sim.fault('converge.sim.im.setVmState', 'nope', 0, 'off')).toBe('no infrastructure nope');
  });

  it('resets to an empty model', async () => {
    expect(await sim.call('converge.sim.im.reset')).toBe(true);
    expect(await sim.call('GetInfrastructureList', AUTH)).toEqual([true, []]);
  });
});

describe('fault injection', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim();
  });
  afterAll(async () => sim.close());

  it('answers an injected fault once, then runs the method again', async () => {
    await sim.call('converge.sim.injectFault', { method: 'GetVersion', mode: 'fault', faultCode: 7, faultString: 'boom' });
    expect((await rawCall(sim.url, 'GetVersion', [])).reply).toEqual({ ok: false, faultCode: 7, faultString: 'boom' });
    expect(await sim.call('GetVersion')).toEqual([true, '1.19.2']);
  });

  it('can answer an IM-style error value without running the method', async () => {
    await sim.call('converge.sim.injectFault', { method: 'CreateInfrastructure', mode: 'result', result: [false, 'Error launching the VMs'] });
    expect(await sim.call('CreateInfrastructure', TRANSCRIPT_RADL, AUTH)).toEqual([false, 'Error launching the VMs']);
    expect(sim.sim.dump().infrastructures).toHaveLength(0);
  });

  it('loses the reply of a call that still took effect', async () => {
    await sim.call('converge.sim.injectFault', { method: 'CreateInfrastructure', mode: 'lose-reply' });
    await expect(rawCall(sim.url, 'CreateInfrastructure', [TRANSCRIPT_RADL, AUTH])).rejects.toThrow();
    expect(sim.sim.dump().infrastructures).toHaveLength(1);
    expect(ok(await sim.call('GetInfrastructureList', AUTH))).toHaveLength(1);
  });
});
