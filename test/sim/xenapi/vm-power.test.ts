/**
 * The VM power-state machine and its errors (xenapi.md §4): the check order, exact parameters,
 * side effects of each transition, and the memory / VCPU constraint errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_UUIDS } from '../../../src/backends/xenapi/sim/index.js';
import { startTestXen, type TestXen } from './helpers.js';

const GiB = 1024 ** 3;
const VCPU_RULE = 'VCPU values must satisfy: 0 < VCPUs_at_startup ≤ VCPUs_max';

let xen: TestXen;
let seq = 0;
beforeAll(async () => {
  xen = await startTestXen();
});
afterAll(async () => xen.close());

type State = 'Halted' | 'Running' | 'Paused' | 'Suspended';

/** vmIn makes a provisioned VM with one VIF and brings it to `state`. */
async function vmIn(state: State): Promise<string> {
  const c = xen.client;
  const vm = String(await c.call('VM.clone', await c.ref('VM', SEED_UUIDS.templateDebianLocal), `vm-${(seq += 1)}`));
  await c.call('VM.provision', vm);
  const network = await c.ref('network', SEED_UUIDS.network);
  await c.call('VIF.create', { device: '0', network, VM: vm, MAC: '', MTU: '1500', other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {} });
  if (state !== 'Halted') await c.call('VM.start', vm, state === 'Paused', false);
  if (state === 'Suspended') await c.call('VM.suspend', vm);
  return vm;
}

const ref = (uuid: string) => xen.client.ref('VM', uuid);

describe('operation checks, first failure wins', () => {
  const rows: Array<{ reason: string; vm: () => Promise<string>; call: (vm: string) => [string, ...unknown[]]; expected: (vm: string) => string[] }> = [
    { reason: 'start on a running VM', vm: () => vmIn('Running'), call: (v) => ['VM.start', v, false, false], expected: (v) => ['VM_BAD_POWER_STATE', v, 'halted', 'running'] },
    { reason: 'hard_shutdown on a halted VM lists three states', vm: () => vmIn('Halted'), call: (v) => ['VM.hard_shutdown', v], expected: (v) => ['VM_BAD_POWER_STATE', v, 'paused, suspended, running', 'halted'] },
    { reason: 'destroy on a running VM', vm: () => vmIn('Running'), call: (v) => ['VM.destroy', v], expected: (v) => ['VM_BAD_POWER_STATE', v, 'halted, suspended', 'running'] },
    { reason: 'set_memory_dynamic_range on a suspended VM', vm: () => vmIn('Suspended'), call: (v) => ['VM.set_memory_dynamic_range', v, GiB, GiB], expected: (v) => ['VM_BAD_POWER_STATE', v, 'halted, running', 'suspended'] },
    { reason: 'clean_shutdown on a paused VM', vm: () => vmIn('Paused'), call: (v) => ['VM.clean_shutdown', v], expected: (v) => ['VM_BAD_POWER_STATE', v, 'running', 'paused'] },
    { reason: 'resume on a halted VM', vm: () => vmIn('Halted'), call: (v) => ['VM.resume', v, false, false], expected: (v) => ['VM_BAD_POWER_STATE', v, 'suspended', 'halted'] },
    { reason: 'clone of a running VM', vm: () => vmIn('Running'), call: (v) => ['VM.clone', v, 'x'], expected: (v) => ['VM_BAD_POWER_STATE', v, 'halted', 'running'] },
    { reason: 'start on a template', vm: () => ref(SEED_UUIDS.templateDebian), call: (v) => ['VM.start', v, false, false], expected: (v) => ['VM_IS_TEMPLATE', v, 'start'] },
    { reason: 'destroy of a default template', vm: () => ref(SEED_UUIDS.templateOther), call: (v) => ['VM.destroy', v], expected: (v) => ['VM_IS_TEMPLATE', v, 'destroy'] },
    { reason: 'provision of a VM that is not a template', vm: () => vmIn('Halted'), call: (v) => ['VM.provision', v], expected: () => ['ONLY_PROVISION_TEMPLATE'] },
    { reason: 'hard_shutdown of dom0', vm: () => ref(SEED_UUIDS.dom0), call: (v) => ['VM.hard_shutdown', v], expected: () => ['OPERATION_NOT_ALLOWED', 'This operation is not allowed on dom0'] },
    { reason: 'start of dom0 (power state first)', vm: () => ref(SEED_UUIDS.dom0), call: (v) => ['VM.start', v, false, false], expected: (v) => ['VM_BAD_POWER_STATE', v, 'halted', 'running'] },
    {
      reason: 'start of a snapshot',
      vm: async () => String(await xen.client.call('VM.snapshot', await vmIn('Halted'), 'snap')),
      call: (v) => ['VM.start', v, false, false],
      expected: (v) => ['VM_IS_SNAPSHOT', v, 'start'],
    },
    {
      reason: 'an operation in blocked_operations, before the power state',
      vm: async () => {
        const vm = await vmIn('Running');
        await xen.client.call('VM.add_to_blocked_operations', vm, 'start', 'frozen by ops');
        return vm;
      },
      call: (v) => ['VM.start', v, false, false],
      expected: (v) => ['OPERATION_BLOCKED', v, 'frozen by ops'],
    },
    {
      reason: 'clean_shutdown of an HVM guest without its agent',
      vm: async () => {
        const vm = await vmIn('Halted');
        await xen.client.control('converge.sim.xenapi.setGuestAgent', false, vm);
        await xen.client.call('VM.start', vm, false, false);
        return vm;
      },
      call: (v) => ['VM.clean_shutdown', v],
      expected: (v) => ['VM_LACKS_FEATURE', v],
    },
    {
      reason: 'start with more memory than the host has free',
      vm: async () => {
        const vm = await vmIn('Halted');
        await xen.client.call('VM.set_memory_limits', vm, GiB, 128 * GiB, 128 * GiB, 128 * GiB);
        return vm;
      },
      call: (v) => ['VM.start', v, false, false],
      expected: () => ['HOST_NOT_ENOUGH_FREE_MEMORY', expect.stringMatching(/^\d+$/) as never, expect.stringMatching(/^\d+$/) as never],
    },
    {
      reason: 'copy into an ISO SR',
      vm: () => vmIn('Halted'),
      call: (v) => ['VM.copy', v, 'c', '__ISO__'],
      expected: () => ['OPERATION_NOT_ALLOWED', "Cannot copy a VM's disks to an ISO SR"],
    },
  ];
  it.each(rows)('$reason', async ({ vm, call, expected }) => {
    const target = await vm();
    const [method, ...params] = call(target);
    const iso = await xen.client.ref('SR', SEED_UUIDS.toolsSr);
    const args = params.map((p) => (p === '__ISO__' ? iso : p)) as Parameters<typeof xen.client.fail>[1][];
    expect(await xen.client.fail(method, ...args)).toEqual(expected(target));
  });
});

describe('transition side effects', () => {
  it('start attaches devices, fills metrics and reports the guest', async () => {
    const c = xen.client;
    const vm = await vmIn('Running');
    const rec = await c.record('VM', vm);
    expect(rec).toMatchObject({ power_state: 'Running', resident_on: await c.ref('host', SEED_UUIDS.host) });
    expect(Number(rec.domid)).toBeGreaterThan(0);
    expect(rec.allowed_operations).toEqual(expect.arrayContaining(['clean_shutdown', 'hard_shutdown', 'suspend']));
    expect(rec.allowed_operations).not.toContain('start');
    const [vbd] = rec.VBDs as string[];
    expect(await c.record('VBD', String(vbd))).toMatchObject({ currently_attached: true, device: 'xvda' });
    const [vif] = rec.VIFs as string[];
    const vifRec = await c.record('VIF', String(vif));
    expect(vifRec).toMatchObject({ currently_attached: true, MAC_autogenerated: true });
    expect(await c.record('VM_metrics', String(rec.metrics))).toMatchObject({ memory_actual: String(GiB), VCPUs_number: '1' });
    const guest = await c.record('VM_guest_metrics', String(rec.guest_metrics));
    expect((guest.networks as Record<string, string>)['0/ip']).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(await c.call('host.get_resident_VMs', await c.ref('host', SEED_UUIDS.host))).toContain(vm);
  });

  it('suspend writes a suspend image; resume removes it; clean_shutdown halts and detaches', async () => {
    const c = xen.client;
    const vm = await vmIn('Running');
    await c.call('VM.suspend', vm);
    const suspended = await c.record('VM', vm);
    expect(suspended).toMatchObject({ power_state: 'Suspended', domid: '-1', resident_on: 'OpaqueRef:NULL' });
    const image = String(suspended.suspend_VDI);
    expect(await c.call('VDI.get_type', image)).toBe('suspend');
    await c.call('VM.resume', vm, false, false);
    expect(await c.call('VM.get_suspend_VDI', vm)).toBe('OpaqueRef:NULL');
    expect(await c.fail('VDI.get_record', image)).toEqual(['HANDLE_INVALID', 'VDI', image]);
    await c.call('VM.clean_shutdown', vm);
    const halted = await c.record('VM', vm);
    expect(halted).toMatchObject({ power_state: 'Halted', domid: '-1', guest_metrics: 'OpaqueRef:NULL' });
    expect(await c.call('VBD.get_currently_attached', String((halted.VBDs as string[])[0]))).toBe(false);
  });

  it('pause, unpause, reboot and hard_shutdown from suspended', async () => {
    const c = xen.client;
    const vm = await vmIn('Running');
    const domid = await c.call('VM.get_domid', vm);
    await c.call('VM.hard_reboot', vm);
    expect(await c.call('VM.get_domid', vm)).not.toBe(domid);
    await c.call('VM.pause', vm);
    expect(await c.call('VM.get_power_state', vm)).toBe('Paused');
    await c.call('VM.unpause', vm);
    await c.call('VM.suspend', vm);
    await c.call('VM.hard_shutdown', vm);
    expect(await c.record('VM', vm)).toMatchObject({ power_state: 'Halted', suspend_VDI: 'OpaqueRef:NULL' });
  });
});

describe('memory and VCPU constraints', () => {
  const rows: Array<{ reason: string; state: State | 'dom0'; calls: Array<[string, ...unknown[]]>; expected: (vm: string) => string[] | 'ok' }> = [
    { reason: 'set_memory_limits out of order', state: 'Halted', calls: [['VM.set_memory_limits', GiB, GiB, 2 * GiB, GiB]], expected: () => ['MEMORY_CONSTRAINT_VIOLATION_ORDER'] },
    { reason: 'dynamic range with min above max', state: 'Halted', calls: [['VM.set_memory_dynamic_range', GiB, GiB / 2]], expected: () => ['MEMORY_CONSTRAINT_VIOLATION_ORDER'] },
    { reason: 'static_max below dynamic_max', state: 'Halted', calls: [['VM.set_memory_static_max', GiB / 2]], expected: () => ['MEMORY_CONSTRAINT_VIOLATION_ORDER'] },
    { reason: 'set_memory sets static_max and the dynamic range together', state: 'Halted', calls: [['VM.set_memory', 2 * GiB]], expected: () => 'ok' },
    { reason: 'dynamic range on a running VM is allowed', state: 'Running', calls: [['VM.set_memory_dynamic_range', GiB / 2, GiB]], expected: () => 'ok' },
    { reason: 'set_memory_limits on a running VM', state: 'Running', calls: [['VM.set_memory_limits', GiB / 2, GiB, GiB, GiB]], expected: (v) => ['VM_BAD_POWER_STATE', v, 'halted', 'running'] },
    {
      reason: 'a control domain needs dynamic_min = dynamic_max = static_max (it may be running)',
      state: 'dom0',
      calls: [['VM.set_memory_limits', GiB, 4 * GiB, 2 * GiB, 4 * GiB]],
      expected: () => ['MEMORY_CONSTRAINT_VIOLATION_MAXPIN', expect.stringContaining('control domain') as never],
    },
    { reason: 'VCPUs_max below VCPUs_at_startup', state: 'Halted', calls: [['VM.set_VCPUs_max', 4], ['VM.set_VCPUs_at_startup', 4], ['VM.set_VCPUs_max', 2]], expected: () => ['INVALID_VALUE', VCPU_RULE, '2'] },
    { reason: 'VCPUs_at_startup above VCPUs_max', state: 'Halted', calls: [['VM.set_VCPUs_at_startup', 4]], expected: () => ['INVALID_VALUE', VCPU_RULE, '4'] },
    { reason: 'VCPUs_at_startup of zero', state: 'Halted', calls: [['VM.set_VCPUs_at_startup', 0]], expected: () => ['INVALID_VALUE', VCPU_RULE, '0'] },
    { reason: 'raising: max first, then at_startup', state: 'Halted', calls: [['VM.set_VCPUs_max', 4], ['VM.set_VCPUs_at_startup', 4]], expected: () => 'ok' },
    { reason: 'lowering: at_startup first, then max', state: 'Halted', calls: [['VM.set_VCPUs_max', 4], ['VM.set_VCPUs_at_startup', 4], ['VM.set_VCPUs_at_startup', 2], ['VM.set_VCPUs_max', 2]], expected: () => 'ok' },
    { reason: 'set_VCPUs_max on a running VM', state: 'Running', calls: [['VM.set_VCPUs_max', 2]], expected: (v) => ['VM_BAD_POWER_STATE', v, 'halted', 'running'] },
    { reason: 'set_VCPUs_at_startup has no power-state check', state: 'Running', calls: [['VM.set_VCPUs_at_startup', 1]], expected: () => 'ok' },
  ];
  it.each(rows)('$reason', async ({ state, calls, expected }) => {
    const vm = state === 'dom0' ? await ref(SEED_UUIDS.dom0) : await vmIn(state);
    const last = calls[calls.length - 1] as [string, ...unknown[]];
    for (const [method, ...args] of calls.slice(0, -1)) await xen.client.call(method, vm, ...(args as never[]));
    const want = expected(vm);
    const [method, ...args] = last;
    if (want === 'ok') await xen.client.call(method, vm, ...(args as never[]));
    else expect(await xen.client.fail(method, vm, ...(args as never[]))).toEqual(want);
  });

  it('with DMC disabled every VM needs dynamic_min = dynamic_max = static_max', async () => {
    const strict = await startTestXen({ dmcEnabled: false });
    try {
      const vm = String(await strict.client.call('VM.clone', await strict.client.ref('VM', SEED_UUIDS.templateOther), 'x'));
      expect((await strict.client.fail('VM.set_memory_dynamic_range', vm, GiB / 2, GiB))[0]).toBe('MEMORY_CONSTRAINT_VIOLATION_MAXPIN');
      await strict.client.call('VM.set_memory', vm, 2 * GiB);
    } finally {
      await strict.close();
    }
  });
});
