/**
 * Recovering interrupted clones (DESIGN §5, xenapi.md "names are not unique"): the journal holds
 * the intent of a `VM.clone` or of its marking that a killed run never resolved, and the pool
 * holds what the server did. A clone is adopted only when exactly one unmarked VM has the name
 * and was not there before; otherwise it is left alone and converge makes its own.
 */
import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileJournal } from '../../src/state/file-journal.js';
import { cloneTarget, markTarget } from '../../src/backends/xenapi/apply/clone.js';
import { SEED_UUIDS } from '../../src/backends/xenapi/sim/index.js';
import { manifestDir, reconcile } from '../helpers/engine.js';
import { XEN_CREDENTIALS, xenBackend, xenInfra } from '../helpers/xen-manifests.js';
import { guestVms, looseVdis, vmNamed } from '../helpers/xen-sim-state.js';
import { startTestXen, type TestXen } from '../sim/xenapi/helpers.js';

const TEMPLATE = 'Debian Bookworm 12 (local storage)';
const infra = (count: number) => xenInfra('web', { systems: [`{name: front, cpu: 1, memory: 512Mi, image: "${TEMPLATE}", interfaces: [lan]}`], deploy: { front: count } });
const key = (i: number) => `Infrastructure/web/vm/front-${i}`;

describe('XenAPI recovery of interrupted clones', () => {
  let xen: TestXen;
  let dir: string;
  let journal: FileJournal;
  let template: string;
  const clone = async (name: string) => String(await xen.client.call('VM.clone', template, name));
  const uuid = async (ref: string) => String(await xen.client.call('VM.get_uuid', ref));
  const owner = async () => (JSON.parse(await readFile(join(dir, '.converge', 'state.json'), 'utf8')) as { owner: string }).owner;

  beforeEach(async () => {
    xen = await startTestXen({ taskDurationMs: 5 });
    dir = await manifestDir({ 'xen.cred': XEN_CREDENTIALS, 'backend.yaml': xenBackend(xen.url), 'infra.yaml': infra(0) });
    expect((await reconcile(dir)).outcome).toBe('converged');
    journal = new FileJournal({ path: join(dir, '.converge', 'journal.jsonl') });
    template = await xen.client.ref('VM', SEED_UUIDS.templateDebianLocal);
  });
  afterEach(async () => {
    await journal.close();
    await xen.close();
  });

  const rows: Array<{ reason: string; setup: () => Promise<string[]>; adopted: boolean; named: number; note: RegExp }> = [
    {
      reason: 'one new unmarked VM with the name: adopted, no second clone',
      setup: async () => [await uuid(await clone('web-front-0'))],
      adopted: true,
      named: 1,
      note: /adopted VM/,
    },
    {
      reason: 'two unmarked VMs with the name: ambiguous, both left alone, converge clones its own',
      setup: async () => [await uuid(await clone('web-front-0')), await uuid(await clone('web-front-0'))],
      adopted: false,
      named: 3,
      note: /2 unmarked VMs named web-front-0 .*ambiguous, left alone/,
    },
  ];
  for (const row of rows) {
    it(row.reason, async () => {
      const before: string[] = [];
      const leftovers = await row.setup();
      await journal.begin({ key: key(0), backend: 'xen', method: 'VM.clone', target: cloneTarget({ name: 'web-front-0', template: TEMPLATE, arch: null, before }) });
      await writeFile(join(dir, 'infra.yaml'), infra(1));
      const report = await reconcile(dir);
      expect(report.outcome).toBe('converged');
      expect(report.events.find((e) => e.type === 'intent-settled' && e.method === 'VM.clone')).toMatchObject({ note: expect.stringMatching(row.note) });
      const named = vmNamed(xen.sim.dump(), 'web-front-0');
      expect(named).toHaveLength(row.named);
      const ours = named.filter((vm) => (vm.other_config as Record<string, string>)['converge.owner']);
      expect(ours).toHaveLength(1);
      expect(leftovers.includes(String(ours[0]!.uuid))).toBe(row.adopted);
      expect((await reconcile(dir)).mutatingCalls).toBe(0);
    });
  }

  it('never adopts a VM that already had the name before the clone', async () => {
    const older = await uuid(await clone('web-front-0'));
    await journal.begin({ key: key(0), backend: 'xen', method: 'VM.clone', target: cloneTarget({ name: 'web-front-0', template: TEMPLATE, arch: null, before: [older] }) });
    await writeFile(join(dir, 'infra.yaml'), infra(1));
    expect((await reconcile(dir)).outcome).toBe('converged');
    const named = vmNamed(xen.sim.dump(), 'web-front-0');
    expect(named.map((vm) => [vm.uuid === older, Boolean((vm.other_config as Record<string, string>)['converge.owner'])]).sort()).toEqual([[false, true], [true, false]]);
  });

  it('completes an interrupted marking (owner written last) instead of cloning again', async () => {
    const ref = await clone('web-front-0');
    await xen.client.call('VM.add_to_other_config', ref, 'converge.template', TEMPLATE);
    await xen.client.call('VM.add_to_other_config', ref, 'converge.key', key(0));
    await journal.begin({ key: key(0), backend: 'xen', method: 'VM.add_to_other_config', target: markTarget(ref, { key: key(0), template: TEMPLATE, arch: null }) });
    await writeFile(join(dir, 'infra.yaml'), infra(1));
    expect((await reconcile(dir)).outcome).toBe('converged');
    expect(guestVms(xen.sim.dump()).map((vm) => [vm.ref, (vm.other_config as Record<string, string>)['converge.owner'], vm.power_state])).toEqual([[ref, await owner(), 'Running']]);
    expect(looseVdis(xen.sim.dump())).toEqual([]);
  });

  it('finishes off a VM whose deletion was interrupted and gives its key a fresh VM', async () => {
    await writeFile(join(dir, 'infra.yaml'), infra(1));
    expect((await reconcile(dir)).outcome).toBe('converged');
    const [vm] = guestVms(xen.sim.dump());
    // What a run killed inside a delete leaves: the VM marked for deletion, its disks destroyed.
    await xen.client.call('VM.hard_shutdown', vm!.ref);
    await xen.client.call('VM.add_to_other_config', vm!.ref, 'converge.deleting', 'true');
    for (const vbd of vm!.VBDs as string[]) {
      const vdi = String(await xen.client.call('VBD.get_VDI', vbd));
      if (vdi !== 'OpaqueRef:NULL') await xen.client.call('VDI.destroy', vdi);
    }
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    const now = guestVms(xen.sim.dump());
    expect(now).toHaveLength(1);
    expect(now[0]!.ref).not.toBe(vm!.ref);
    expect((now[0]!.other_config as Record<string, string>)['converge.deleting']).toBeUndefined();
    expect(now[0]!.power_state).toBe('Running');
    expect(looseVdis(xen.sim.dump())).toEqual([]);
  });

  it('attributes two interrupted clones of one name each to its own intent, leaving one VM', async () => {
    const first = await uuid(await clone('web-front-0'));
    await journal.begin({ key: key(0), backend: 'xen', method: 'VM.clone', target: cloneTarget({ name: 'web-front-0', template: TEMPLATE, arch: null, before: [] }) });
    const second = await uuid(await clone('web-front-0'));
    await journal.begin({ key: key(0), backend: 'xen', method: 'VM.clone', target: cloneTarget({ name: 'web-front-0', template: TEMPLATE, arch: null, before: [first] }) });
    await writeFile(join(dir, 'infra.yaml'), infra(1));
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    const named = vmNamed(xen.sim.dump(), 'web-front-0');
    expect(named).toHaveLength(1);
    expect([first, second]).toContain(String(named[0]!.uuid));
    expect(report.calls['Async.VM.clone'] ?? 0).toBe(0);
    expect((await reconcile(dir)).mutatingCalls).toBe(0);
  });

  it('marks the VM of a completed clone whose marking the killed run never finished', async () => {
    const ref = await clone('web-front-0');
    await xen.client.call('VM.add_to_other_config', ref, 'converge.template', TEMPLATE);
    const begun = await journal.begin({ key: key(0), backend: 'xen', method: 'VM.clone', target: cloneTarget({ name: 'web-front-0', template: TEMPLATE, arch: null, before: [] }) });
    await journal.resolve(begun.id, { status: 'done', outcome: { ref } });
    await writeFile(join(dir, 'infra.yaml'), infra(1));
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    expect(report.calls['Async.VM.clone'] ?? 0).toBe(0);
    const named = vmNamed(xen.sim.dump(), 'web-front-0');
    expect(named.map((vm) => [vm.ref, (vm.other_config as Record<string, string>)['converge.owner']])).toEqual([[ref, await owner()]]);
    expect((await reconcile(dir)).mutatingCalls).toBe(0);
  });
});
