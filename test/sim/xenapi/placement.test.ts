/**
 * Placement in a pool of several hosts (vm/placement.ts): VM.start puts a VM on the host with the
 * most free memory unless its affinity host can take it, counts what resident VMs hold per host
 * (memory_free follows starts and stops), refuses with NO_HOSTS_AVAILABLE when no host fits, and
 * keeps a VM whose disks are on one host's local SR on that host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_UUIDS } from '../../../src/backends/xenapi/sim/index.js';
import { startTestXen, type TestXen } from './helpers.js';

const GiB = 1024 ** 3;
let xen: TestXen;
let seq = 0;

beforeAll(async () => {
  xen = await startTestXen({ hosts: 3, idSeed: 7 });
});
afterAll(async () => {
  await xen.close();
});

/** bigVm clones a VM of `gib` GiB: from "Other install media" (no disks) or the local-storage Debian template. */
async function bigVm(gib: number, template: string = SEED_UUIDS.templateOther): Promise<string> {
  const c = xen.client;
  const vm = String(await c.call('VM.clone', await c.ref('VM', template), `placed-${(seq += 1)}`));
  await c.call('VM.provision', vm);
  await c.call('VM.set_memory_limits', vm, GiB, gib * GiB, gib * GiB, gib * GiB);
  return vm;
}

const residentOn = async (vm: string): Promise<string> => String(await xen.client.call('VM.get_resident_on', vm));
const memoryFree = async (host: string): Promise<number> => Number(await xen.client.call('host_metrics.get_memory_free', await xen.client.call('host.get_metrics', host)));

describe('placement in a three-host pool', () => {
  it('spreads VMs to the host with the most free memory and keeps memory_free per host', async () => {
    const hosts = (await xen.client.call('host.get_all')) as string[];
    expect(hosts).toHaveLength(3);
    const before = await Promise.all(hosts.map(memoryFree));
    const vms = [await bigVm(20), await bigVm(20), await bigVm(20)];
    for (const vm of vms) await xen.client.call('VM.start', vm, false, false);
    const placed = await Promise.all(vms.map(residentOn));
    expect(new Set(placed)).toEqual(new Set(hosts));
    const after = await Promise.all(hosts.map(memoryFree));
    after.forEach((free, i) => expect(before[i]! - free).toBeGreaterThanOrEqual(20 * GiB));
    await xen.client.call('VM.hard_shutdown', vms[0]!);
    expect(await memoryFree(placed[0]!)).toBe(before[hosts.indexOf(placed[0]!)]);
    await xen.client.call('VM.start', vms[0]!, false, false);
  });

  it('honours affinity while the host fits, then answers NO_HOSTS_AVAILABLE when no host does', async () => {
    const master = String(await xen.client.call('pool.get_master', (await xen.client.call('pool.get_all') as string[])[0]!));
    const pinned = await bigVm(20);
    await xen.client.call('VM.set_affinity', pinned, master);
    await xen.client.call('VM.start', pinned, false, false);
    expect(await residentOn(pinned)).toBe(master);
    const tooBig = await bigVm(50);
    expect(await xen.client.fail('VM.start', tooBig, false, false)).toEqual(['NO_HOSTS_AVAILABLE']);
    expect(await residentOn(tooBig)).toBe('OpaqueRef:NULL');
  });

  it('starts a VM whose disk is on the master\'s local SR only on the master', async () => {
    const hosts = (await xen.client.call('host.get_all')) as string[];
    const master = String(await xen.client.call('pool.get_master', (await xen.client.call('pool.get_all') as string[])[0]!));
    const supporter = hosts.find((h) => h !== master)!;
    const local = await bigVm(1, SEED_UUIDS.templateDebianLocal);
    const [code, vm, sr] = await xen.client.fail('VM.start_on', local, supporter, false, false);
    expect([code, vm, sr]).toEqual(['VM_REQUIRES_SR', local, await xen.client.ref('SR', SEED_UUIDS.localSr)]);
    await xen.client.call('VM.start', local, false, false);
    expect(await residentOn(local)).toBe(master);
  });
});
