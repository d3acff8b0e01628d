/**
 * The `late-reply` fault mode of every simulator (src/xmlrpc/sim/fault-rules.ts): the method runs
 * and its effects happen at once, then the reply is held for `delayMs`, so a client whose timeout
 * is shorter gives up while the server has acted, and a patient client still gets the answer.
 * Shown on the bare server helper and on each simulator type, installed through each way rules
 * are installed (options object, CONVERGE_SIM_FAULTS, converge.sim.injectFault).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { knobsFromEnv } from '../../src/backends/embedded.js';
import { startImSimulator } from '../../src/backends/im/sim/index.js';
import { DEFAULT_ACCOUNT, startSeattleSimulator } from '../../src/backends/seattle/sim/index.js';
import { startXenApiSimulator } from '../../src/backends/xenapi/sim/index.js';
import { XmlRpcClient } from '../../src/xmlrpc/client.js';
import { startXmlRpcServer } from '../../src/xmlrpc/server.js';
import { parseFaultRule } from '../../src/xmlrpc/sim/fault-rules.js';
import { SimKnobs } from '../../src/xmlrpc/sim/knobs.js';
import type { XmlRpcValue } from '../../src/xmlrpc/value.js';

const LATE = 800;
let closeAll: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closeAll.map((close) => close()));
  closeAll = [];
});

/** callImpatient calls with a 200 ms timeout and returns the error code it failed with. */
async function callImpatient(url: string, method: string, params: XmlRpcValue[]): Promise<string | undefined> {
  const client = new XmlRpcClient({ url, timeoutMs: 200 });
  try {
    await client.call(method, params);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  } finally {
    client.close();
  }
}

async function callPatient(url: string, method: string, params: XmlRpcValue[]): Promise<XmlRpcValue> {
  const client = new XmlRpcClient({ url, timeoutMs: 20_000 });
  try {
    return await client.call(method, params);
  } finally {
    client.close();
  }
}

describe('late-reply', () => {
  it('runs the method at once and answers after delayMs (server helper, rule from the options object)', async () => {
    const knobs = new SimKnobs();
    knobs.faults.add(parseFaultRule({ method: 'bump', mode: 'late-reply', delayMs: LATE, times: 2 }));
    let count = 0;
    const server = await startXmlRpcServer({ dispatch: (m) => (m === 'bump' ? () => ++count : undefined), knobs });
    closeAll.push(() => server.close());
    expect(await callImpatient(server.url, 'bump', [])).toBe('XMLRPC_TIMEOUT');
    expect(count).toBe(1);
    expect(await callPatient(server.url, 'bump', [])).toBe(2);
    expect(knobs.log.since().map((e) => e.outcome)).toEqual(['injected:late-reply', 'injected:late-reply']);
    expect(await callImpatient(server.url, 'bump', [])).toBeUndefined();
  });

  it('holds an IM reply after the infrastructure was created (rule from CONVERGE_SIM_FAULTS)', async () => {
    const knobs = knobsFromEnv({ CONVERGE_SIM_FAULTS: JSON.stringify([{ method: 'CreateInfrastructure', mode: 'late-reply', delayMs: LATE }]) });
    const im = await startImSimulator({ knobs, createBaseMs: 0, createMsPerVm: 0 });
    closeAll.push(() => im.close());
    const auth: XmlRpcValue = [{ type: 'InfrastructureManager', username: 'u', password: 'p' }, { id: 'dummy', type: 'Dummy' }];
    const radl = "network net ( outbound = 'no' )\nsystem node ( net_interface.0.connection = 'net' )\ncontextualize ()\ndeploy node 1";
    expect(await callImpatient(im.url, 'CreateInfrastructure', [radl, auth])).toBe('XMLRPC_TIMEOUT');
    expect(im.sim.dump().infrastructures).toHaveLength(1);
  });

  it('holds a Seattle reply after the vessels were acquired (rule from converge.sim.injectFault)', async () => {
    const seattle = await startSeattleSimulator();
    closeAll.push(() => seattle.close());
    const auth = { username: DEFAULT_ACCOUNT.username, api_key: DEFAULT_ACCOUNT.apiKey };
    await callPatient(seattle.url, 'converge.sim.injectFault', [{ method: 'acquire_resources', mode: 'late-reply', delayMs: LATE }]);
    expect(await callImpatient(seattle.url, 'acquire_resources', [auth, { rspec_type: 'lan', number_of_nodes: 2 }])).toBe('XMLRPC_TIMEOUT');
    expect(await callPatient(seattle.url, 'get_resource_info', [auth])).toHaveLength(2);
  });

  it('holds a XenAPI reply after the network was created', async () => {
    const xen = await startXenApiSimulator();
    closeAll.push(() => xen.close());
    const login = (await callPatient(xen.url, 'session.login_with_password', ['root', 'xenroot'])) as { Value: string };
    await callPatient(xen.url, 'converge.sim.injectFault', [{ method: 'network.create', mode: 'late-reply', delayMs: LATE }]);
    const record = { name_label: 'late-net', other_config: {}, bridge: '', MTU: '0' };
    expect(await callImpatient(xen.url, 'network.create', [login.Value, record])).toBe('XMLRPC_TIMEOUT');
    const found = (await callPatient(xen.url, 'network.get_by_name_label', [login.Value, 'late-net'])) as { Value: string[] };
    expect(found.Value).toHaveLength(1);
  });

  it('refuses a negative delay', () => {
    expect(() => parseFaultRule({ method: '*', mode: 'late-reply', delayMs: -1 })).toThrow(/delayMs/);
  });
});
