/**
 * What converge builds, seen through the API's own client: Xen Orchestra's `xen-api` (4.7,
 * `transport: 'xml-rpc'`) connects to the simulator converge reconciled, lists the VMs with their
 * records (names, converge.* markers, power states), follows event.from while converge changes a
 * VM, and runs an `Async.VM.clone` through its task API — a VM with one of converge's names,
 * which converge then leaves alone (names are not identity).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SEED_UUIDS, startXenApiSimulator } from '../../src/backends/xenapi/sim/index.js';
import { manifestDir, reconcile } from '../helpers/engine.js';
import { XEN_CREDENTIALS, xenBackend, xenInfra } from '../helpers/xen-manifests.js';
import { waitFor } from '../sim/xenapi/helpers.js';
import { connectXapi, type XapiRecord } from '../helpers/xen-api-client.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const web = xenInfra('web', { systems: ['{name: front, cpu: 2, memory: 512Mi, image: "Debian Bookworm 12", interfaces: [lan]}'], deploy: { front: 2 } });
const batch = (power: string) =>
  xenInfra('batch', { systems: ['{name: job, cpu: 1, memory: 256Mi, image: "Other install media", interfaces: [lan]}'], deploy: { job: 1 }, extra: `  power: ${power}\n` });

describe('converge seen through xen-api@4.7', () => {
  it('lists what converge created, follows its changes through events, and clones through a task', async () => {
    const server = await startXenApiSimulator({ taskDurationMs: 5 });
    cleanups.push(() => server.close());
    const dir = await manifestDir({ 'xen.cred': XEN_CREDENTIALS, 'backend.yaml': xenBackend(server.url), 'web.yaml': web, 'batch.yaml': batch('stopped') });
    expect((await reconcile(dir)).outcome).toBe('converged');
    const owner = (JSON.parse(await readFile(join(dir, '.converge', 'state.json'), 'utf8')) as { owner: string }).owner;

    const xapi = await connectXapi(server.url, cleanups);
    const ours = () => Object.values(xapi.objects.all).filter((o) => o.$type === 'VM' && o.other_config['converge.owner'] === owner);
    expect(ours().map((vm) => [vm.name_label, vm.other_config['converge.key'], vm.power_state, vm.is_a_template]).sort()).toEqual([
      ['batch-job-0', 'Infrastructure/batch/vm/job-0', 'Halted', false],
      ['web-front-0', 'Infrastructure/web/vm/front-0', 'Running', false],
      ['web-front-1', 'Infrastructure/web/vm/front-1', 'Running', false],
    ]);
    const records = (await xapi.call('VM.get_all_records')) as Record<string, XapiRecord>;
    for (const vm of ours()) expect(records[vm.$ref]).toMatchObject({ uuid: vm.uuid, name_label: vm.name_label, VCPUs_max: vm.name_label.startsWith('web') ? '2' : '1' });

    await writeFile(join(dir, 'batch.yaml'), batch('running'));
    expect((await reconcile(dir)).outcome).toBe('converged');
    const job = ours().find((vm) => vm.name_label === 'batch-job-0')!;
    await waitFor(() => (xapi.getObjectByRef(job.$ref)?.power_state === 'Running' ? true : undefined));

    const template = String(await xapi.call('VM.get_by_uuid', SEED_UUIDS.templateDebian));
    const clone = String(await xapi.callAsync('VM.clone', template, 'web-front-0'));
    const seen = await waitFor(() => xapi.getObjectByRef(clone, undefined));
    expect(seen).toMatchObject({ name_label: 'web-front-0', is_a_template: true });
    expect(seen.other_config['converge.owner']).toBeUndefined();
    expect(server.sim.knobs.log.countByMethod()['task.destroy']).toBeGreaterThanOrEqual(1);

    const again = await reconcile(dir);
    expect(again.mutatingCalls).toBe(0);
    expect(await xapi.call('VM.get_other_config', clone)).not.toHaveProperty('converge.owner');
    expect(ours()).toHaveLength(3);
  });
});
