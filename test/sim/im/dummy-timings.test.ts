/**
 * Dummy connector timings on the virtual clock (im.md (c) and (f)7): nothing runs in the
 * background, states are computed when read, so advancing the clock is enough.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTH, createInfra, ok, startTestSim, type TestSim } from './helpers.js';

const PRIVATE = "network priv ( outbound = 'no' )";
const PUBLIC = "network pub ( outbound = 'yes' )";
const system = (ifaces: string) => `system node ( cpu.count >= 1 and memory.size >= 1g and disk.0.os.name = 'linux'${ifaces} )`;
const ON_PRIV = " and net_interface.0.connection = 'priv'";
const ON_PUB = " and net_interface.0.connection = 'pub'";
const PUB_SECOND = " and net_interface.0.connection = 'priv' and net_interface.1.connection = 'pub'";

const rows: Array<{ reason: string; radl: string; steps: Array<{ after: number; state: string }> }> = [
  { reason: 'contextualize () configures at once', radl: `${PRIVATE}\n${system(ON_PRIV)}\ncontextualize ()\ndeploy node 2`, steps: [{ after: 0, state: 'configured' }, { after: 3_600_000, state: 'configured' }] },
  { reason: 'an empty configure for every system configures at once', radl: `${PRIVATE}\n${system(ON_PRIV)}\nconfigure node ()\ndeploy node 1`, steps: [{ after: 0, state: 'configured' }] },
  { reason: 'ctxt on with private nets only fails after about 1 s (no master VM)', radl: `${PRIVATE}\n${system(ON_PRIV)}\ndeploy node 2`, steps: [{ after: 0, state: 'running' }, { after: 700, state: 'running' }, { after: 400, state: 'unconfigured' }] },
  { reason: 'ctxt on with a public net on interface 0 waits 300 s for SSH', radl: `${PUBLIC}\n${system(ON_PUB)}\ndeploy node 1`, steps: [{ after: 0, state: 'running' }, { after: 299_000, state: 'running' }, { after: 1_000, state: 'unconfigured' }] },
  { reason: 'a public net on interface 1 flips a configured VM after 90 s', radl: `${PRIVATE}\n${PUBLIC}\n${system(PUB_SECOND)}\ncontextualize ()\ndeploy node 1`, steps: [{ after: 0, state: 'configured' }, { after: 89_000, state: 'configured' }, { after: 1_000, state: 'unconfigured' }] },
  { reason: 'ctxt on without interfaces waits 1800 s', radl: `${system('')}\ndeploy node 1`, steps: [{ after: 0, state: 'running' }, { after: 1_799_000, state: 'running' }, { after: 1_000, state: 'unconfigured' }] },
];

describe('Dummy contextualization timings', () => {
  let sim: TestSim;
  beforeEach(async () => {
    sim = await startTestSim();
  });
  afterEach(async () => sim.close());

  it.each(rows)('$reason', async ({ radl, steps }) => {
    const inf = await createInfra(sim, radl);
    for (const { after, state } of steps) {
      sim.sim.knobs.clock.advance(after);
      const got = ok(await sim.call('GetInfrastructureState', inf, AUTH)) as { state: string; vm_states: Record<string, string> };
      expect({ after, state: got.state, vms: new Set(Object.values(got.vm_states)) }).toEqual({ after, state, vms: new Set([state]) });
    }
  });

  it('logs the no-master messages of the failed contextualization', async () => {
    const inf = await createInfra(sim, `${PRIVATE}\n${system(ON_PRIV)}\ndeploy node 1`);
    expect(String(ok(await sim.call('GetInfrastructureContMsg', inf, AUTH)))).toMatch(/^[\d\-: .]+: Select master VM\n$/);
    await sim.call('converge.sim.advanceClock', 2);
    const lines = String(ok(await sim.call('GetInfrastructureContMsg', inf, AUTH))).split('\n').map((l) => l.replace(/^[\d\-: .]+: /, ''));
    expect(lines).toEqual([
      'Select master VM',
      'Contextualization Error: No correct Master VM found. Check if there a linux VM with Public IP.',
      'Error in the ansible installation process: No master VM found.',
      '',
    ]);
  });

  it('the empty-configure VMs say their contextualization is disabled', async () => {
    const inf = await createInfra(sim, `${PRIVATE}\n${system(ON_PRIV)}\nconfigure node ()\ndeploy node 1`);
    expect(await sim.call('GetVMContMsg', inf, 0, AUTH)).toEqual([true, 'Contextualization disabled']);
    expect(String(ok(await sim.call('GetInfrastructureContMsg', inf, AUTH)))).toContain('VM 0:\nContextualization disabled\n');
    expect(String(ok(await sim.call('GetInfrastructureContMsg', inf, AUTH, true)))).not.toContain('VM 0:');
  });

  it('VMs added without context stay running until a Reconfigure', async () => {
    const inf = await createInfra(sim, `${PRIVATE}\n${system(ON_PRIV)}\ncontextualize ()\ndeploy node 1`);
    expect(await sim.call('AddResource', inf, `network priv\nsystem node\ndeploy node 1`, AUTH, false)).toEqual([true, [1]]);
    sim.sim.knobs.clock.advance(86_400_000);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({ state: 'running', vm_states: { '0': 'configured', '1': 'running' } });
    expect(await sim.call('Reconfigure', inf, '', AUTH, [1])).toEqual([true, '']);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({ state: 'configured', vm_states: { '0': 'configured', '1': 'configured' } });
  });

  it('an async create answers at once and is pending with no VMs until its launch begins', async () => {
    await sim.call('converge.sim.im.settings', { createBaseMs: 60_000, createMsPerVm: 0 });
    const inf = await createInfra(sim, `${PRIVATE}\n${system(ON_PRIV)}\ncontextualize ()\ndeploy node 2`, AUTH, true);
    expect(await sim.call('GetInfrastructureInfo', inf, AUTH)).toEqual([true, []]);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({ state: 'pending', vm_states: {} });
    expect(await sim.call('GetVMInfo', inf, 0, AUTH)).toEqual([false, 'Invalid VM ID']);
    sim.sim.knobs.clock.advance(60_000);
    expect(await sim.call('GetInfrastructureInfo', inf, AUTH)).toEqual([true, ['0', '1']]);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({ state: 'configured', vm_states: { '0': 'configured', '1': 'configured' } });
  });

  it('an async create that cannot be placed fails later instead of answering an error', async () => {
    const inf = String(ok(await sim.call('CreateInfrastructure', `${PRIVATE}\n${system(ON_PRIV)}\ndeploy node 1 nosuch`, AUTH, true)));
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({ state: 'failed', vm_states: {} });
    expect(String(ok(await sim.call('GetInfrastructureContMsg', inf, AUTH)))).toContain(': No auth data for cloud with ID: nosuch\n');
  });

  it('an async destroy shows deleting for about 1 s, then the id is gone', async () => {
    const inf = await createInfra(sim, `${PRIVATE}\n${system(ON_PRIV)}\ncontextualize ()\ndeploy node 1`);
    expect(await sim.call('DestroyInfrastructure', inf, AUTH, true, true)).toEqual([true, '']);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({ state: 'deleting', vm_states: { '0': 'deleting' } });
    expect(await sim.call('AddResource', inf, 'network priv\nsystem node\ndeploy node 1', AUTH)).toEqual([false, 'Infrastructure deleted. Do not add resources.']);
    sim.sim.knobs.clock.advance(1_000);
    expect(await sim.call('GetInfrastructureState', inf, AUTH)).toEqual([false, 'Invalid infrastructure ID or access not granted.']);
  });

  it('removing VMs with context reruns contextualization', async () => {
    const inf = await createInfra(sim, `${PRIVATE}\n${system(ON_PRIV)}\ndeploy node 2`);
    sim.sim.knobs.clock.advance(5_000);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toMatchObject({ state: 'unconfigured' });
    expect(await sim.call('RemoveResource', inf, '1', AUTH)).toEqual([true, 1]);
    expect(ok(await sim.call('GetInfrastructureState', inf, AUTH))).toEqual({ state: 'running', vm_states: { '0': 'running' } });
    expect(await sim.call('RemoveResource', inf, '0', AUTH, false)).toEqual([true, 1]);
  });
});
