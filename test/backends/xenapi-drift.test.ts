/**
 * Drift and ownership on XenAPI: another client halts or destroys a VM, removes a VIF, changes
 * memory — the next reconcile restores the manifest's state; a VM whose marker names another
 * owner is never touched, even when it carries our key and name. And the event stream that
 * watch mode reads: keys of changed objects, `{all: true}` after EVENTS_LOST.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openWorkspace } from '../../src/workspace/open-workspace.js';
import { silentSink } from '../../src/engine/events.js';
import type { ObserveHint } from '../../src/backends/driver.js';
import { SEED_UUIDS } from '../../src/backends/xenapi/sim/index.js';
import { manifestDir, reconcile } from '../helpers/engine.js';
import { XEN_CREDENTIALS, xenBackend, xenInfra } from '../helpers/xen-manifests.js';
import { guestVms, looseVdis, rows, vmNamed } from '../helpers/xen-sim-state.js';
import { startTestXen, type TestXen } from '../sim/xenapi/helpers.js';

const MiB = 1024 ** 2;
const infra = (count: number) =>
  xenInfra('web', { systems: ['{name: front, cpu: 1, memory: 1Gi, image: "Debian Bookworm 12", disks: [{size: 1Gi}], interfaces: [lan]}'], deploy: { front: count } });

describe('XenAPI drift and ownership', () => {
  let xen: TestXen;
  let dir: string;
  const dump = () => xen.sim.dump();
  const ref = (name: string) => vmNamed(dump(), name)[0]!.ref;

  beforeEach(async () => {
    xen = await startTestXen({ taskDurationMs: 5 });
    dir = await manifestDir({ 'xen.cred': XEN_CREDENTIALS, 'backend.yaml': xenBackend(xen.url), 'infra.yaml': infra(5) });
    expect((await reconcile(dir)).outcome).toBe('converged');
  });
  afterEach(async () => xen.close());

  it('restores a halted VM, a destroyed VM, a removed VIF, changed memory and a suspended VM, then rests', async () => {
    const c = xen.client;
    await c.call('VM.hard_shutdown', ref('web-front-0'));
    const doomed = ref('web-front-1');
    await c.call('VM.hard_shutdown', doomed);
    await c.call('VM.destroy', doomed);
    const vif = rows(dump(), 'VIF').find((v) => v.VM === ref('web-front-2'))!.ref;
    await c.call('VIF.unplug', vif);
    await c.call('VIF.destroy', vif);
    await c.call('VM.set_memory_dynamic_range', ref('web-front-3'), String(600 * MiB), String(768 * MiB));
    await c.call('VM.suspend', ref('web-front-4'));

    const repair = await reconcile(dir);
    expect(repair.outcome).toBe('converged');
    expect(repair.mutatingCalls).toBeGreaterThan(0);
    const vms = guestVms(dump());
    expect(vms.map((v) => v.name_label).sort()).toEqual(['web-front-0', 'web-front-1', 'web-front-2', 'web-front-3', 'web-front-4']);
    expect(repair.calls).toMatchObject({ 'Async.VM.resume': 1 });
    expect(vms.every((v) => v.power_state === 'Running' && v.memory_dynamic_min === 1024 * MiB && v.memory_dynamic_max === 1024 * MiB)).toBe(true);
    for (const vm of vms) {
      const vifs = rows(dump(), 'VIF').filter((v) => v.VM === vm.ref);
      expect(vifs.map((v) => [v.device, v.currently_attached])).toEqual([['0', true]]);
    }
    // The destroyed VM's own disk went with converge's cleanup; only the system disk xapi kept for the other client remains.
    expect(looseVdis(dump()).map((v) => (v.other_config as Record<string, string>)['converge.owner'])).toEqual([undefined]);
    expect((await reconcile(dir)).mutatingCalls).toBe(0);
  });

  it('never touches a VM whose marker names another owner, even with our key and name', async () => {
    const c = xen.client;
    const template = await c.ref('VM', SEED_UUIDS.templateDebianLocal);
    const foreign = String(await c.call('VM.clone', template, 'web-front-0'));
    await c.call('VM.provision', foreign);
    await c.call('VM.add_to_other_config', foreign, 'converge.owner', 'someone-else');
    await c.call('VM.add_to_other_config', foreign, 'converge.key', 'Infrastructure/web/vm/front-0');
    await c.call('VM.start', foreign, false, false);
    const before = await c.record('VM', foreign);

    await writeFile(join(dir, 'infra.yaml'), infra(1));
    expect((await reconcile(dir)).outcome).toBe('converged');
    await rm(join(dir, 'infra.yaml'));
    await writeFile(join(dir, 'other.yaml'), xenInfra('other', { networks: [], systems: ['{name: x, cpu: 1, memory: 256Mi, image: "Other install media"}'], deploy: { x: 0 } }));
    expect((await reconcile(dir, { prune: true })).outcome).toBe('converged');

    const after = await c.record('VM', foreign);
    for (const field of ['name_label', 'power_state', 'other_config', 'memory_dynamic_max', 'VCPUs_max', 'VBDs', 'VIFs']) expect(after[field], field).toEqual(before[field]);
    expect(guestVms(dump()).map((v) => v.ref)).toEqual([foreign]);
  });

  it('streams the keys of changed objects, and asks for a full read after EVENTS_LOST', async () => {
    const ws = await openWorkspace({ dir, sink: silentSink });
    const stop = new AbortController();
    try {
      const driver = ws.drivers.get('xen')!;
      const state = await ws.store.read();
      await driver.observe({ signal: stop.signal, owner: state.owner, now: new Date(), records: [], desired: ws.desired });
      const hints = driver.events!(stop.signal)[Symbol.asyncIterator]();
      const next = async (): Promise<ObserveHint> => (await hints.next()).value as ObserveHint;
      expect(await next()).toEqual({ all: true });

      await xen.client.call('VM.hard_shutdown', ref('web-front-2'));
      expect(await next()).toEqual({ keys: ['Infrastructure/web/vm/front-2'] });
      const vif = rows(dump(), 'VIF').find((v) => v.VM === ref('web-front-3'))!.ref;
      await xen.client.call('VIF.unplug', vif);
      expect(await next()).toEqual({ keys: ['Infrastructure/web/vm/front-3'] });

      xen.sim.dropEvents();
      await xen.client.call('VM.set_name_description', ref('web-front-1'), 'touched');
      expect(await next()).toEqual({ all: true });
      await xen.client.call('VM.set_name_description', ref('web-front-1'), 'touched again');
      expect(await next()).toEqual({ keys: ['Infrastructure/web/vm/front-1'] });
      stop.abort();
      await hints.return?.(undefined);
    } finally {
      stop.abort();
      await ws.close();
    }
  });
});
