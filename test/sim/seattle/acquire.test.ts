/**
 * acquire_resources per type (placement rules, infodict shape, all-or-nothing with rollback),
 * credits, and acquire_specific_vessels, over a real socket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { XmlRpcStruct } from '../../../src/xmlrpc/value.js';
import { AUTH, handlesOf, startTestSim, subnetOf, type TestSim } from './helpers.js';

let sim: TestSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const PLACEMENT: Array<{ reason: string; type: string; count: number; check: (infos: XmlRpcStruct[]) => void }> = [
  {
    reason: 'lan vessels all share one /24',
    type: 'lan',
    count: 5,
    check: (infos) => expect(new Set(infos.map((i) => subnetOf(i.node_ip))).size).toBe(1),
  },
  {
    reason: 'wan vessels are each on a different /24 and never on NAT nodes',
    type: 'wan',
    count: 8,
    check: (infos) => {
      expect(new Set(infos.map((i) => subnetOf(i.node_ip))).size).toBe(8);
      expect(infos.filter((i) => String(i.node_ip).startsWith('NAT$'))).toEqual([]);
    },
  },
  {
    reason: 'nat vessels are only on NAT$ nodes',
    type: 'nat',
    count: 4,
    check: (infos) => expect(infos.every((i) => /^NAT\$[0-9a-f]{40}$/.test(String(i.node_ip)))).toBe(true),
  },
  {
    reason: 'random vessels may come from anywhere',
    type: 'random',
    count: 10,
    check: (infos) => expect(new Set(handlesOf(infos)).size).toBe(10),
  },
];

describe('acquire_resources', () => {
  it.each(PLACEMENT)('$reason', async ({ type, count, check }) => {
    sim = await startTestSim();
    const infos = await sim.acquire(type, count);
    expect(infos).toHaveLength(count);
    check(infos);
    for (const info of infos) {
      expect(Object.keys(info).sort()).toEqual(['expires_in_seconds', 'handle', 'is_active', 'node_id', 'node_ip', 'node_port', 'vessel_id']);
      expect(info).toMatchObject({ node_port: 1224, is_active: true, expires_in_seconds: 14400 });
      expect(info.node_id).toMatch(/^65537 \d{309}$/);
      expect(info.vessel_id).toMatch(/^v\d+$/);
      expect(info.handle).toBe(`${String(info.node_id)}:${String(info.vessel_id)}`);
    }
    expect(handlesOf(await sim.resources()).sort()).toEqual(handlesOf(infos).sort());
  });

  it('is all-or-nothing: a short pool fails with 105 and acquires nothing', async () => {
    sim = await startTestSim({ availability: { lan: 0, wan: 3, nat: 0 } });
    expect((await sim.fault('acquire_resources', AUTH, { rspec_type: 'wan', number_of_nodes: 4 })).code).toBe(105);
    expect(await sim.resources()).toEqual([]);
    expect(sim.sim.dump().free).toEqual({ lan: 0, wan: 3, nat: 0 });
    expect(await sim.acquire('wan', 3)).toHaveLength(3);
    expect(sim.sim.dump().free).toEqual({ lan: 0, wan: 0, nat: 0 });
  });

  it('rolls back when a node refuses: 105, nothing held, the rolled-back vessels go dirty then free', async () => {
    sim = await startTestSim({ availability: { lan: 0, wan: 3, nat: 0 } });
    const [first] = await sim.acquire('wan', 1);
    await sim.call('release_resources', AUTH, [String(first?.handle)]);
    sim.advance(10);
    sim.sim.setNode(String(first?.handle), { reachable: false });
    const got = await sim.fault('acquire_resources', AUTH, { rspec_type: 'wan', number_of_nodes: 3 });
    expect(got).toEqual({ code: 105, text: 'Unable to fulfill vessel acquire request at this given time. Details: Failed to acquire enough vessels to fulfill the request' });
    expect(await sim.resources()).toEqual([]);
    expect(sim.sim.dump().free.wan).toBe(1);
    sim.advance(5);
    expect(sim.sim.dump().free.wan).toBe(3);
  });

  it('tries the next qualifying /24 when a lan subnet cannot be completed, rolling the partial one back', async () => {
    sim = await startTestSim({ availability: { lan: 260, wan: 0, nat: 0 }, accounts: [{ username: 'alice', apiKey: AUTH.api_key, maxVessels: 50 }] });
    const bySubnet = new Map<string, string[]>();
    for (const node of sim.sim.dump().nodes) bySubnet.set(subnetOf(node.ip), [...(bySubnet.get(subnetOf(node.ip)) ?? []), node.handle]);
    const [big, small] = [...bySubnet.entries()].sort((a, b) => b[1].length - a[1].length);
    expect([big?.[1].length, small?.[1].length]).toEqual([253, 7]);
    for (const handle of small?.[1].slice(0, 3) ?? []) sim.sim.setNode(handle, { reachable: false });
    let rolledBack = 0;
    for (let round = 0; round < 6; round++) {
      const got = await sim.acquire('lan', 5);
      expect(new Set(got.map((v) => subnetOf(v.node_ip)))).toEqual(new Set([big?.[0]]));
      const dirtySmall = sim.sim.dump().nodes.filter((n) => n.status === 'dirty' && small?.[1].includes(n.handle));
      if (dirtySmall.length > 0) rolledBack += 1;
      expect([0, 4]).toContain(dirtySmall.length);
      await sim.call('release_resources', AUTH, handlesOf(got));
      sim.advance(10);
    }
    expect(rolledBack).toBeGreaterThan(0);
  });
});

describe('credits', () => {
  it('allows exactly max_vessels and refuses one more with 103', async () => {
    sim = await startTestSim({ accounts: [{ username: 'alice', apiKey: AUTH.api_key, maxVessels: 4 }] });
    expect(await sim.call('get_account_info', AUTH)).toMatchObject({ max_vessels: 4 });
    expect(await sim.acquire('wan', 3)).toHaveLength(3);
    expect((await sim.fault('acquire_resources', AUTH, { rspec_type: 'lan', number_of_nodes: 2 })).code).toBe(103);
    expect(await sim.acquire('random', 1)).toHaveLength(1);
    expect((await sim.fault('acquire_resources', AUTH, { rspec_type: 'random', number_of_nodes: 1 })).code).toBe(103);
    expect(await sim.resources()).toHaveLength(4);
  });

  it('counts credits per account, and setCredits changes max_vessels', async () => {
    const bob = { username: 'bob', api_key: 'B0B1234567ACDEFGHIJKLMNPQRSTUVWX' };
    sim = await startTestSim({ accounts: [{ username: 'alice', apiKey: AUTH.api_key, maxVessels: 2 }, { username: bob.username, apiKey: bob.api_key }] });
    await sim.acquire('wan', 2);
    expect(await sim.call('acquire_resources', bob, { rspec_type: 'wan', number_of_nodes: 10 })).toHaveLength(10);
    sim.sim.setCredits('alice', 5);
    expect(await sim.call('get_account_info', AUTH)).toEqual({ user_port: expect.any(Number), user_name: 'alice', max_vessels: 5, user_affiliation: 'converge simulator' });
    expect(await sim.acquire('wan', 3)).toHaveLength(3);
    expect(sim.sim.dump().accounts.map((a) => [a.username, a.vessels.length])).toEqual([['alice', 5], ['bob', 10]]);
  });
});

describe('acquire_specific_vessels', () => {
  it('is best effort: free vessels are taken, held ones skipped, duplicates counted once', async () => {
    sim = await startTestSim({ backendDelayMs: 0 });
    const held = await sim.acquire('wan', 2);
    const spare = await sim.acquire('wan', 2);
    await sim.call('release_resources', AUTH, handlesOf(spare));
    const wanted = [...handlesOf(spare), ...handlesOf(spare), String(held[0]?.handle)];
    const got = (await sim.call('acquire_specific_vessels', AUTH, wanted)) as XmlRpcStruct[];
    expect(handlesOf(got).sort()).toEqual(handlesOf(spare).sort());
    expect(got.every((i) => i.expires_in_seconds === 14400)).toBe(true);
    expect(await sim.resources()).toHaveLength(4);
  });

  it('checks credits against the distinct handles requested, even if fewer could be acquired', async () => {
    sim = await startTestSim({ accounts: [{ username: 'alice', apiKey: AUTH.api_key, maxVessels: 3 }] });
    const held = await sim.acquire('wan', 2);
    const got = await sim.fault('acquire_specific_vessels', AUTH, handlesOf(held));
    expect(got.code).toBe(103);
  });
});

describe('nat disabled', () => {
  it('answers every nat request with 105 as production does', async () => {
    sim = await startTestSim({ natEnabled: false });
    expect(await sim.fault('acquire_resources', AUTH, { rspec_type: 'nat', number_of_nodes: 1 })).toEqual({
      code: 105,
      text: 'Unable to fulfill vessel acquire request at this given time. Details: Acquiring NAT vessels is currently disabled. ',
    });
    expect(sim.sim.dump().free.nat).toBe(20);
  });
});
