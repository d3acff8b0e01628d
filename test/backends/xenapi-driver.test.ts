/**
 * The XenAPI driver against the simulator over a socket: what a create builds (names, markers,
 * memory, VCPUs, disks, interfaces, power), what a no-op pass costs, deletes that leave no disk
 * behind and never touch an existing network, in-place updates, changes that need a restart
 * (refused, or done with `updatePolicy: restart`), power, and template replacement.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { manifestDir, reconcile } from '../helpers/engine.js';
import { XEN_CREDENTIALS, xenBackend, xenInfra } from '../helpers/xen-manifests.js';
import { guestVms, looseVdis, markedKeys, rows, vmNamed } from '../helpers/xen-sim-state.js';
import { startTestXen, type TestXen } from '../sim/xenapi/helpers.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const POOL_NETWORK = 'Pool-wide network associated with eth0';
const front = (o: { cpu?: number; memory?: string; image?: string; disks?: string } = {}) =>
  `{name: front, cpu: ${o.cpu ?? 2}, memory: ${o.memory ?? '768Mi'}, image: "${o.image ?? 'Debian Bookworm 12'}", disks: [${o.disks ?? '{size: 2Gi}'}], interfaces: [pool, lan]}`;
const infra = (o: { count?: number; extra?: string; cpu?: number; memory?: string; image?: string; disks?: string } = {}) =>
  xenInfra('web', { networks: ['lan', 'pool'], systems: [front(o)], deploy: { front: o.count ?? 2 }, ...(o.extra ? { extra: o.extra } : {}) });

describe('XenAPI driver', () => {
  let xen: TestXen;
  let dir: string;
  const dump = () => xen.sim.dump();
  const vm = (name: string) => vmNamed(dump(), name)[0]!;
  const callsSince = (seq: number) => xen.sim.knobs.log.countByMethod(seq);
  const setInfra = (text: string) => writeFile(join(dir, 'infra.yaml'), text);

  beforeEach(async () => {
    xen = await startTestXen({ taskDurationMs: 5 });
    dir = await manifestDir({
      'xen.cred': XEN_CREDENTIALS,
      'backend.yaml': xenBackend(xen.url, `shutdownTimeout: 2s, networks: {pool: "${POOL_NETWORK}"}`),
      'infra.yaml': infra(),
    });
  });
  afterEach(async () => xen.close());

  it('clones, marks, sizes and starts each VM; a second pass lists five classes and changes nothing', async () => {
    const first = await reconcile(dir);
    expect(first.outcome).toBe('converged');
    const owner = JSON.parse(await readFile(join(dir, '.converge', 'state.json'), 'utf8')).owner as string;
    expect(markedKeys(dump(), owner)).toEqual(['Infrastructure/web/network/lan', 'Infrastructure/web/vm/front-0', 'Infrastructure/web/vm/front-1']);
    const networks = rows(dump(), 'network');
    const lan = networks.find((n) => n.name_label === 'web-lan')!;
    const pool = networks.find((n) => n.name_label === POOL_NETWORK)!;
    expect(pool.other_config).toEqual({});
    for (const name of ['web-front-0', 'web-front-1']) {
      const record = vm(name);
      expect(record).toMatchObject({ power_state: 'Running', is_a_template: false, VCPUs_max: 2, VCPUs_at_startup: 2, memory_dynamic_max: 768 * MiB, memory_static_max: 768 * MiB });
      expect(record.other_config).toMatchObject({ 'converge.owner': owner, 'converge.template': 'Debian Bookworm 12', 'converge.key': `Infrastructure/web/vm/${name.slice(4)}` });
      const vifs = rows(dump(), 'VIF').filter((v) => v.VM === record.ref).sort((a, b) => Number(a.device) - Number(b.device));
      expect(vifs.map((v) => [v.device, v.network, v.currently_attached])).toEqual([['0', pool.ref, true], ['1', lan.ref, true]]);
      const disks = rows(dump(), 'VBD').filter((b) => b.VM === record.ref).map((b) => dump().VDI![String(b.VDI)]!);
      expect(disks.map((d) => [d.virtual_size, (d.other_config as Record<string, string>)['converge.disk']]).sort()).toEqual([[10 * GiB, undefined], [2 * GiB, '0']]);
    }

    const seq = xen.sim.knobs.log.lastSeq;
    const again = await reconcile(dir);
    expect(again.mutatingCalls).toBe(0);
    expect(Object.keys(callsSince(seq)).sort()).toEqual(
      ['VBD.get_all_records', 'VDI.get_all_records', 'VIF.get_all_records', 'VM.get_all_records_where', 'network.get_all_records', 'session.login_with_password', 'session.logout'],
    );
  });

  it('deletes a VM with its disks, then converge-created networks, and never an existing network', async () => {
    const seedVdis = rows(dump(), 'VDI').length;
    await reconcile(dir);
    await setInfra(infra({ count: 1 }));
    expect((await reconcile(dir)).outcome).toBe('converged');
    expect(vmNamed(dump(), 'web-front-1')).toHaveLength(0);
    expect(rows(dump(), 'VDI')).toHaveLength(seedVdis + 2);
    expect(looseVdis(dump())).toHaveLength(0);

    await rm(join(dir, 'infra.yaml'));
    await writeFile(join(dir, 'other.yaml'), xenInfra('other', { networks: [], systems: ['{name: x, cpu: 1, memory: 256Mi, image: "Other install media"}'], deploy: { x: 0 } }));
    const pruned = await reconcile(dir, { prune: true });
    expect(pruned.outcome).toBe('converged');
    expect(markedKeys(dump())).toEqual([]);
    expect(rows(dump(), 'network').map((n) => n.name_label)).toEqual([POOL_NETWORK]);
    expect(rows(dump(), 'VDI')).toHaveLength(seedVdis);
  });

  it('changes memory live, refuses a VCPUs_max change on a running VM unless updatePolicy allows a restart', async () => {
    await reconcile(dir);
    await setInfra(infra({ memory: '512Mi' }));
    let seq = xen.sim.knobs.log.lastSeq;
    expect((await reconcile(dir)).outcome).toBe('converged');
    expect(vm('web-front-0')).toMatchObject({ power_state: 'Running', memory_dynamic_min: 512 * MiB, memory_dynamic_max: 512 * MiB, memory_static_max: 768 * MiB });
    expect(callsSince(seq)).toMatchObject({ 'VM.set_memory_dynamic_range': 2 });
    expect(callsSince(seq)['Async.VM.clean_shutdown']).toBeUndefined();

    await setInfra(infra({ memory: '512Mi', cpu: 4 }));
    const refused = await reconcile(dir);
    expect(refused.outcome).toBe('partial');
    const failed = refused.objects.filter((o) => o.result === 'failed');
    expect(failed.map((o) => o.code)).toEqual(['XEN_NEEDS_RESTART', 'XEN_NEEDS_RESTART']);
    expect(failed[0]!.reason).toMatch(/VCPUs_max 2 → 4.*updatePolicy: restart/);
    expect(vm('web-front-0')).toMatchObject({ power_state: 'Running', VCPUs_max: 2 });

    await setInfra(infra({ memory: '1Gi', cpu: 4, extra: '  updatePolicy: restart\n' }));
    seq = xen.sim.knobs.log.lastSeq;
    expect((await reconcile(dir)).outcome).toBe('converged');
    expect(vm('web-front-0')).toMatchObject({ power_state: 'Running', VCPUs_max: 4, VCPUs_at_startup: 4, memory_static_max: GiB, memory_dynamic_max: GiB });
    expect(callsSince(seq)).toMatchObject({ 'Async.VM.clean_shutdown': 2, 'Async.VM.start': 2, 'VM.set_VCPUs_max': 2, 'VM.set_memory_limits': 2 });
  });

  it('stops VMs (hard shutdown when the guest cannot or does not stop in time), starts them, adds and grows disks', async () => {
    await writeFile(join(dir, 'backend.yaml'), xenBackend(xen.url, `shutdownTimeout: 300ms, networks: {pool: "${POOL_NETWORK}"}`));
    await reconcile(dir);
    xen.sim.setGuestAgent(false, vm('web-front-0').ref);
    await xen.client.call('VM.hard_reboot', vm('web-front-0').ref);
    xen.sim.setTaskDuration(3000, 'VM.clean_shutdown');
    await setInfra(infra({ extra: '  power: stopped\n' }));
    let seq = xen.sim.knobs.log.lastSeq;
    expect((await reconcile(dir)).outcome).toBe('converged');
    expect(guestVms(dump()).map((v) => v.power_state)).toEqual(['Halted', 'Halted']);
    expect(callsSince(seq)).toMatchObject({ 'Async.VM.clean_shutdown': 2, 'Async.VM.hard_shutdown': 2, 'task.cancel': 1 });

    await setInfra(infra({ disks: '{size: 3Gi}, {size: 1Gi}' }));
    seq = xen.sim.knobs.log.lastSeq;
    expect((await reconcile(dir)).outcome).toBe('converged');
    expect(callsSince(seq)).toMatchObject({ 'VDI.resize': 2, 'Async.VDI.create': 2, 'Async.VM.start': 2 });
    const record = vm('web-front-0');
    const sizes = rows(dump(), 'VBD').filter((b) => b.VM === record.ref).map((b) => dump().VDI![String(b.VDI)]!.virtual_size);
    expect(sizes.sort()).toEqual([GiB, 10 * GiB, 3 * GiB].sort());
    expect(record.power_state).toBe('Running');
  });

  it('replaces a VM whose template changes, leaving no disk behind', async () => {
    await reconcile(dir);
    const before = vm('web-front-0').uuid;
    const vdis = rows(dump(), 'VDI').length;
    await setInfra(infra({ image: 'Debian Bookworm 12 (local storage)' }));
    expect((await reconcile(dir)).outcome).toBe('converged');
    const after = vm('web-front-0');
    expect(after.uuid).not.toBe(before);
    expect((after.other_config as Record<string, string>)['converge.template']).toBe('Debian Bookworm 12 (local storage)');
    expect(vmNamed(dump(), 'web-front-0')).toHaveLength(1);
    expect(rows(dump(), 'VDI')).toHaveLength(vdis);
    expect(looseVdis(dump())).toHaveLength(0);
  });
});
