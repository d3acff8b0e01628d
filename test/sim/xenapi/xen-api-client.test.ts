/**
 * Acceptance: the API's own client works against the simulator. Xen Orchestra's `xen-api`
 * (4.7.x) connects, lists VMs, follows event.from (its object cache sees a VM created by another
 * client), runs Async.VM.clone through its task API (tasks are watched through events), uses a
 * barrier (pool.other_config add/remove), follows HOST_IS_SLAVE, and falls back from JSON-RPC.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_UUIDS, startXenApiSimulator } from '../../../src/backends/xenapi/sim/index.js';
import { waitFor, XenTestClient } from './helpers.js';
import { connectXapi, type XapiRecord } from '../../helpers/xen-api-client.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('xen-api@4.7 against the simulator', () => {
  it('connects, lists VMs, follows events and runs Async.VM.clone as a task', async () => {
    const server = await startXenApiSimulator();
    cleanups.push(() => server.close());
    const xapi = await connectXapi(server.url, cleanups);

    const vms = Object.values(xapi.objects.all).filter((o) => o.$type === 'VM');
    expect(vms.map((vm) => vm.uuid)).toEqual(expect.arrayContaining([SEED_UUIDS.dom0, SEED_UUIDS.templateDebian]));
    const records = (await xapi.call('VM.get_all_records')) as Record<string, XapiRecord>;
    expect(Object.keys(records)).toHaveLength(vms.length);

    const other = new XenTestClient(server.url);
    await other.login();
    const template = await other.ref('VM', SEED_UUIDS.templateDebianLocal);
    const created = String(await other.call('VM.clone', template, 'made-elsewhere'));
    const seen = await waitFor(() => xapi.getObjectByRef(created, undefined));
    expect(seen.name_label).toBe('made-elsewhere');
    expect(seen.is_a_template).toBe(true);

    const cloned = String(await xapi.callAsync('VM.clone', template, 'async-clone'));
    expect(cloned).toMatch(/^OpaqueRef:[0-9a-f-]{36}$/);
    expect(((await xapi.call('VM.get_record', cloned)) as XapiRecord).name_label).toBe('async-clone');

    await xapi.setFieldEntry('VM', cloned, 'other_config', 'converge.key', 'web/0');
    await xapi.barrier();
    expect(await xapi.call('VM.get_other_config', cloned)).toMatchObject({ 'converge.key': 'web/0' });

    const failing = xapi.callAsync('VM.start', template, false, false);
    await expect(failing).rejects.toMatchObject({ code: 'VM_IS_TEMPLATE', params: [template, 'start'] });

    const calls = server.sim.knobs.log.countByMethod();
    expect(calls['session.login_with_password']).toBeGreaterThanOrEqual(1);
    expect(calls['event.inject']).toBe(1);
    expect(calls['event.from']).toBeGreaterThanOrEqual(2);
    expect(calls['Async.VM.clone']).toBe(1);
    expect(calls['task.destroy']).toBeGreaterThanOrEqual(1);
  });

  it('falls back from JSON-RPC to XML-RPC with the default auto transport', async () => {
    const server = await startXenApiSimulator();
    cleanups.push(() => server.close());
    const xapi = await connectXapi(server.url, cleanups, { transport: 'auto', watchEvents: false });
    expect(await xapi.call('pool.get_all')).toHaveLength(1);
    expect(server.sim.knobs.log.countByMethod()['pool.get_all']).toBe(1);
  });

  it('follows HOST_IS_SLAVE to the coordinator', async () => {
    const master = await startXenApiSimulator({ host: '127.0.0.1' });
    cleanups.push(() => master.close());
    const supporter = await startXenApiSimulator({ host: '127.0.0.2', port: master.port, hostIsSlaveOf: '127.0.0.1' });
    cleanups.push(() => supporter.close());
    const xapi = await connectXapi(`http://127.0.0.2:${master.port}/`, cleanups, { watchEvents: false });
    expect(supporter.sim.knobs.log.since().map((e) => [e.method, e.outcome])).toEqual([['session.login_with_password', 'failure:HOST_IS_SLAVE']]);
    expect(master.sim.knobs.log.countByMethod()['session.login_with_password']).toBe(1);
    expect(await xapi.call('pool.get_all')).toEqual(await (async () => {
      const c = new XenTestClient(master.url);
      await c.login();
      return c.call('pool.get_all');
    })());
  });
});
