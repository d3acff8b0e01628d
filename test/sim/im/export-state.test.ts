/**
 * ExportInfrastructure's `sim_state` (the record this simulator's import restores) is kept
 * between exports of an unchanged infrastructure and follows every change: one saved for the
 * infrastructure (AlterVM, StopVM, RemoveResource) and one saved without naming it (a forced VM
 * state). An import restores what the last export showed. GetInfrastructureState also writes each
 * VM's state into its RADL, as IM's update_status does, so the export after it shows it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeSimState } from '../../../src/backends/im/sim/methods/sim-state-codec.js';
import { AUTH, createInfra, ok, startTestSim, TRANSCRIPT_RADL, type TestSim } from './helpers.js';

interface SimState {
  vms: Array<{ imId: number; destroyed: boolean; cloudState: string; failed: boolean; info: unknown }>;
}

describe('ExportInfrastructure sim_state', () => {
  let sim: TestSim;
  let inf: string;
  const exported = async () => JSON.parse(String(ok(await sim.call('ExportInfrastructure', inf, false, AUTH)))) as { vm_list: Array<{ info: string }>; sim_state: string };
  const simState = async () => decodeSimState((await exported()).sim_state) as SimState;

  beforeEach(async () => {
    sim = await startTestSim();
    inf = await createInfra(sim, TRANSCRIPT_RADL);
  });
  afterEach(async () => sim.close());

  it('follows changes saved for the infrastructure and forced VM states', async () => {
    expect(await exported()).toEqual(await exported());
    ok(await sim.call('AlterVM', inf, '0', 'system node ( cpu.count >= 2 and memory.size >= 2g )', AUTH));
    expect(JSON.stringify((await simState()).vms[0]!.info)).toContain('"num":2');
    ok(await sim.call('StopVM', inf, '1', AUTH));
    expect((await simState()).vms[1]!.cloudState).toBe('stopped');
    ok(await sim.call('RemoveResource', inf, '1', AUTH));
    expect((await simState()).vms[1]!.destroyed).toBe(true);
    sim.sim.setVmState(inf, 0, 'failed');
    expect((await simState()).vms[0]!.failed).toBe(true);
  });

  it('notes VM states in the VMs\' RADL on GetInfrastructureState, and an import restores the last export', async () => {
    sim.sim.setVmState(inf, 1, 'stopped');
    ok(await sim.call('GetInfrastructureState', inf, AUTH));
    expect((await exported()).vm_list[1]!.info).toContain("state = 'stopped'");
    const text = String(ok(await sim.call('ExportInfrastructure', inf, true, AUTH)));
    expect(await sim.call('ImportInfrastructure', text, AUTH)).toEqual([true, inf]);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toMatchObject({ vm_states: { '1': 'stopped' } });
  });

  it('sends sim_state as one plain string, and an import reads every form exports have had', async () => {
    const text = String(ok(await sim.call('ExportInfrastructure', inf, true, AUTH)));
    const { sim_state: member, ...imMembers } = JSON.parse(text) as Record<string, unknown>;
    expect(member).toMatch(/^[A-Za-z0-9+/]+=*$/); // base64: no escapes for a client to decode or skip
    const record = decodeSimState(member) as SimState & { id: string };
    expect(record.id).toBe(inf);
    // Older exports: the record as a JSON text, or as an object.
    for (const older of [JSON.stringify(record), record]) {
      expect(await sim.call('ImportInfrastructure', JSON.stringify({ ...imMembers, sim_state: older }), AUTH)).toEqual([true, inf]);
      ok(await sim.call('ExportInfrastructure', inf, true, AUTH));
    }
    expect(await sim.call('ImportInfrastructure', JSON.stringify({ ...imMembers, sim_state: 'not base64 gzip' }), AUTH)).toEqual([false, "'sim_state'"]);
    expect(decodeSimState(member)).toEqual(JSON.parse(JSON.stringify(record)));
  });
});
