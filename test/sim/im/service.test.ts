/**
 * Smaller methods and value types: GetVMProperty typing, GetStats, EstimateResources with
 * disks and errors, OIDC token identities, and the export's Python json.dumps layout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { XmlRpcValue } from '../../../src/xmlrpc/value.js';
import { AUTH, createInfra, ok, startTestSim, type TestSim } from './helpers.js';

const RICH = `network net ( outbound = 'no' )
system node (
  cpu.count >= 1.5 and
  memory.size >= 2Gi and
  net_interface.0.connection = 'net' and
  disk.0.image.url = ['one://a', 'two://b'] and
  disk.0.size >= 2GB and
  disk.1.size = 1.5T and
  disk.0.applications contains ( name = 'nginx' )
)
contextualize ()
deploy node 1`;

function jwt(sub: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub, iss: 'https://issuer' })}.sig`;
}

describe('value types and service methods', () => {
  let sim: TestSim;
  let inf: string;
  beforeAll(async () => {
    sim = await startTestSim();
    inf = await createInfra(sim, RICH);
  });
  afterAll(async () => sim.close());

  const props: Array<{ reason: string; prop: string; value?: XmlRpcValue; fault?: string }> = [
    { reason: 'floats stay floats', prop: 'cpu.count', value: 1.5 },
    { reason: 'lists come back as arrays', prop: 'disk.0.image.url', value: ['one://a', 'two://b'] },
    { reason: 'sizes are bytes', prop: 'disk.0.size', value: 2000000000 },
    { reason: 'float sizes are not limited to 32 bits', prop: 'disk.1.size', value: 1.5e12 },
    { reason: 'int sizes beyond 32 bits overflow', prop: 'memory.size', fault: "<class 'OverflowError'>:int exceeds XML-RPC limits" },
    { reason: 'applications cannot be marshalled', prop: 'disk.0.applications', fault: "<class 'TypeError'>:cannot marshal <class 'radl.radl.Feature'> objects" },
    { reason: 'the Dummy credentials are strings', prop: 'disk.0.os.credentials.username', value: 'username' },
  ];
  it.each(props)('GetVMProperty: $reason', async ({ prop, value, fault }) => {
    if (fault) expect(await sim.fault('GetVMProperty', inf, 0, prop, AUTH)).toBe(fault);
    else expect(await sim.call('GetVMProperty', inf, 0, prop, AUTH)).toEqual([true, value]);
  });

  it('estimates compute and storage, and fails like a create', async () => {
    expect(ok(await sim.call('EstimateResources', RICH, AUTH))).toEqual({
      dummy: {
        cloudType: 'Dummy',
        cloudEndpoint: 'http://:80',
        compute: [{ cpuCores: 1.5, memoryInMegabytes: 2147, diskSizeInGigabytes: 2 }],
        storage: [{ sizeInGigabytes: 1500 }],
      },
    });
    expect(await sim.call('EstimateResources', `${RICH} nosuch`, AUTH)).toEqual([false, 'No auth data for cloud with ID: nosuch']);
    expect(await sim.call('EstimateResources', 'deploy x', AUTH)).toEqual([false, 'Parse error in: None']);
  });

  it('reports per-infrastructure stats for the caller', async () => {
    const stats = ok(await sim.call('GetStats', '', '', AUTH)) as Array<Record<string, XmlRpcValue>>;
    expect(stats).toHaveLength(1);
    expect(stats[0]).toMatchObject({ inf_id: inf, vm_count: 1, cpu_count: 1.5, memory_size: 2147, cloud_type: 'Dummy', im_user: 'user', deleted: false });
    expect(ok(await sim.call('GetStats', '2000-01-01', '2000-01-02', AUTH))).toEqual([]);
  });

  it('identifies OIDC users by their token subject', async () => {
    const mine: Array<Record<string, string>> = [{ type: 'InfrastructureManager', token: jwt('alice') }, { id: 'dummy', type: 'Dummy' }];
    const created = await createInfra(sim, RICH, mine);
    expect(await sim.call('GetInfrastructureOwners', created, [{ type: 'InfrastructureManager', token: jwt('alice') }])).toEqual([true, ['__OPENID__alice']]);
    expect(await sim.call('GetInfrastructureOwners', created, [{ type: 'InfrastructureManager', token: jwt('bob') }])).toEqual([false, 'Access to this infrastructure not granted.']);
  });

  it('exports with json.dumps separators and the Python shape', async () => {
    const text = String(ok(await sim.call('ExportInfrastructure', inf, false, AUTH)));
    expect(text.startsWith(`{"id": "${inf}", "vm_list": [{"last_update": `)).toBe(true);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['id', 'vm_list', 'auth', 'radl', 'private_networks', 'deleted', 'cont_out', 'configured', 'sim_state']);
    expect(parsed.private_networks).toEqual({ net: 'dummy' });
  });
});
