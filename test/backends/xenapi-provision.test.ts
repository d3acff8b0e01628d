/**
 * Provisioning a clone of a template without a `disks` spec or a `postinstall` script (such as
 * "Other install media"): xapi's provision then only ends the template, so converge makes it a
 * plain `VM.provision` call instead of `Async.VM.provision` + task wait + `task.destroy`
 * (apply/realize.ts). A template with disks still goes through the task. Lost and late replies
 * of the plain call end with exactly one VM per key, none left a template.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startXenApiSimulator, type RunningXenApiSimulator } from '../../src/backends/xenapi/sim/index.js';
import { manifestDir, reconcile } from '../helpers/engine.js';
import { XEN_CREDENTIALS, xenBackend, xenInfra } from '../helpers/xen-manifests.js';
import { guestVms, markedKeys } from '../helpers/xen-sim-state.js';

const COUNT = 3;
const KEYS = Array.from({ length: COUNT }, (_, i) => `Infrastructure/web/vm/node-${i}`);
const system = (image: string, disks = ''): string => `{name: node, cpu: 1, memory: 64Mi, image: "${image}",${disks} interfaces: [lan]}`;
const LATE_TIMEOUTS = '  timeouts: {call: 1s, settle: 2s}\n';

let server: RunningXenApiSimulator | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(image: string, disks = '', timeouts = ''): Promise<{ server: RunningXenApiSimulator; dir: string }> {
  server = await startXenApiSimulator({ taskDurationMs: 5 });
  const dir = await manifestDir({
    'xen.cred': XEN_CREDENTIALS,
    'backend.yaml': xenBackend(server.url, 'shutdownTimeout: 2s', timeouts),
    'infra.yaml': xenInfra('web', { systems: [system(image, disks)], deploy: { node: COUNT } }),
  });
  return { server, dir };
}

function expectExactly(s: RunningXenApiSimulator): void {
  const dump = s.sim.dump();
  const vms = guestVms(dump);
  expect(vms.map((vm) => vm.name_label).sort()).toEqual(KEYS.map((_, i) => `web-node-${i}`));
  expect(vms.every((vm) => vm.is_a_template === false && vm.power_state === 'Running')).toBe(true);
  expect(markedKeys(dump).filter((k) => k.includes('/vm/'))).toEqual(KEYS);
}

describe('XenAPI provision of a clone with nothing to create', () => {
  it('is one plain VM.provision per VM, no task; a template with disks still provisions through its task', async () => {
    const plain = await setup('Other install media');
    expect((await reconcile(plain.dir)).outcome).toBe('converged');
    const calls = plain.server.sim.knobs.log.countByMethod();
    expect(calls['VM.provision']).toBe(COUNT);
    expect(calls['Async.VM.provision']).toBeUndefined();
    expect(calls['task.destroy']).toBe(2 * COUNT); // clone and start only
    expectExactly(plain.server);
    await plain.server.close();

    const withDisks = await setup('Debian Bookworm 12', ' disks: [{size: 1Gi}],');
    expect((await reconcile(withDisks.dir)).outcome).toBe('converged');
    const diskCalls = withDisks.server.sim.knobs.log.countByMethod();
    expect(diskCalls['Async.VM.provision']).toBe(COUNT);
    expect(diskCalls['VM.provision']).toBeUndefined();
  });

  it('ends with one VM per key when the plain call acted but its reply was lost', async () => {
    const { server: s, dir } = await setup('Other install media');
    s.sim.knobs.faults.add({ method: 'VM.provision', mode: 'lose-reply', times: 2 });
    await reconcile(dir);
    s.sim.knobs.faults.clear();
    expect((await reconcile(dir)).outcome).toBe('converged');
    expectExactly(s);
  });

  it('does not repeat the plain call whose reply is late: the next pass finds the VM provisioned', async () => {
    const { server: s, dir } = await setup('Other install media', '', LATE_TIMEOUTS);
    s.sim.knobs.faults.add({ method: 'VM.provision', mode: 'late-reply', delayMs: 1500, fraction: 1 });
    const report = await reconcile(dir, { waitMs: 40_000 });
    expect(report.outcome).toBe('converged');
    expect(s.sim.knobs.log.countByMethod()['VM.provision']).toBe(COUNT);
    expectExactly(s);
  }, 60_000);
});
