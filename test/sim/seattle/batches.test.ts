/**
 * release_resources / renew_resources batches (seattle.md §4, §9) and drift the reconciler must
 * see: every handle is resolved before anything changes, so one stale handle fails the whole
 * batch with 102; vessels not held by the caller are skipped silently.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { XmlRpcStruct } from '../../../src/xmlrpc/value.js';
import { AUTH, DAY, HOUR, handlesOf, startTestSim, type TestSim } from './helpers.js';

const BOB = { username: 'bob', api_key: 'B0B1234567ACDEFGHIJKLMNPQRSTUVWX' };
const ACCOUNTS = [
  { username: 'alice', apiKey: AUTH.api_key },
  { username: 'bob', apiKey: BOB.api_key },
];

let sim: TestSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const expiries = (infos: XmlRpcStruct[]): number[] => infos.map((i) => Number(i.expires_in_seconds));

describe('one stale handle fails the whole batch and changes nothing', () => {
  const ROWS = [
    { reason: 'release with a vessel deleted by a node state transition', method: 'release_resources' },
    { reason: 'renew with a vessel deleted by a node state transition', method: 'renew_resources' },
  ];
  it.each(ROWS)('$reason', async ({ method }) => {
    sim = await startTestSim();
    const mine = handlesOf(await sim.acquire('wan', 3));
    const [stale] = handlesOf(await sim.acquire('wan', 1));
    sim.sim.deleteVessel(String(stale));
    sim.advance(HOUR);
    const [nodeId, vesselName] = String(stale).split(':');
    expect(await sim.fault(method, AUTH, [mine[0], stale, mine[1], mine[2]] as string[])).toEqual({
      code: 102,
      text: `There is no vessel with the node identifier: ${nodeId} and vessel name: ${vesselName}`,
    });
    const left = await sim.resources();
    expect(handlesOf(left).sort()).toEqual([...mine].sort());
    expect(expiries(left)).toEqual([3 * HOUR, 3 * HOUR, 3 * HOUR]);
  });

  it('a stale handle wins over the credit check in renew (handles are resolved first)', async () => {
    sim = await startTestSim();
    const mine = handlesOf(await sim.acquire('wan', 3));
    sim.sim.setCredits('alice', 1);
    expect((await sim.fault('renew_resources', AUTH, [...mine, 'nosuchnode:v1'])).code).toBe(102);
  });
});

describe('vessels not held by the caller are skipped silently', () => {
  it('release twice is idempotent, and a released handle in a batch is skipped', async () => {
    sim = await startTestSim();
    const [a, b, c] = handlesOf(await sim.acquire('wan', 3)) as [string, string, string];
    expect(await sim.call('release_resources', AUTH, [a])).toBe(0);
    expect(await sim.call('release_resources', AUTH, [a])).toBe(0);
    expect(await sim.call('release_resources', AUTH, [a, b])).toBe(0);
    expect(handlesOf(await sim.resources())).toEqual([c]);
  });

  it("another account's vessels are neither released nor renewed", async () => {
    sim = await startTestSim({ accounts: ACCOUNTS });
    const bobs = handlesOf((await sim.call('acquire_resources', BOB, { rspec_type: 'wan', number_of_nodes: 2 })) as XmlRpcStruct[]);
    const mine = handlesOf(await sim.acquire('wan', 1));
    sim.advance(HOUR);
    expect(await sim.call('renew_resources', AUTH, [...bobs, ...mine])).toBe(0);
    expect(await sim.call('release_resources', AUTH, bobs)).toBe(0);
    const bobsNow = (await sim.call('get_resource_info', BOB)) as XmlRpcStruct[];
    expect(handlesOf(bobsNow).sort()).toEqual([...bobs].sort());
    expect(expiries(bobsNow)).toEqual([3 * HOUR, 3 * HOUR]);
    expect(expiries(await sim.resources())).toEqual([7 * DAY]);
  });
});

describe('renew over the credit limit', () => {
  it('refuses with 103 and renews nothing until the surplus is released', async () => {
    sim = await startTestSim();
    const handles = handlesOf(await sim.acquire('random', 4));
    sim.sim.setCredits('alice', 2);
    sim.advance(HOUR);
    expect(await sim.fault('renew_resources', AUTH, handles)).toEqual({
      code: 103,
      text: 'Vessels cannot be renewed because you are currently over your vessel credit limit: Requested 0 vessels, already acquired 4, total vessel credits 2',
    });
    expect(expiries(await sim.resources())).toEqual([3 * HOUR, 3 * HOUR, 3 * HOUR, 3 * HOUR]);
    expect(await sim.call('release_resources', AUTH, handles.slice(2))).toBe(0);
    expect(await sim.call('renew_resources', AUTH, handles.slice(0, 2))).toBe(0);
    expect(expiries(await sim.resources())).toEqual([7 * DAY, 7 * DAY]);
  });
});

describe('node drift', () => {
  it('an inactive node keeps its vessel listed with is_active false, counted and renewable', async () => {
    sim = await startTestSim({ accounts: [{ username: 'alice', apiKey: AUTH.api_key, maxVessels: 2 }] });
    const [a] = handlesOf(await sim.acquire('wan', 2)) as [string];
    sim.sim.setNode(a, { active: false });
    const listed = await sim.resources();
    expect(listed.map((i) => [i.handle === a, i.is_active]).sort()).toEqual([[false, true], [true, false]]);
    expect((await sim.fault('acquire_resources', AUTH, { rspec_type: 'wan', number_of_nodes: 1 })).code).toBe(103);
    expect(await sim.call('renew_resources', AUTH, [a])).toBe(0);
    expect((await sim.resources()).find((i) => i.handle === a)?.expires_in_seconds).toBe(7 * DAY);
  });

  it('an address change keeps the handle and shows the new node_ip', async () => {
    sim = await startTestSim();
    const [a] = handlesOf(await sim.acquire('wan', 1)) as [string];
    await sim.call('converge.sim.seattle.setNode', a, { ip: '198.51.100.7', port: 2888 });
    expect(await sim.resources()).toEqual([expect.objectContaining({ handle: a, node_ip: '198.51.100.7', node_port: 2888 })]);
  });
});
