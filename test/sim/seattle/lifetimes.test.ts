/**
 * Lifetimes on the virtual clock (seattle.md §7): 4 hours after acquire, renewal resets to now +
 * 7 days, expired vessels vanish at once and return to the pool after the backend's reclaim and
 * cleanup loops (5 s each here). Times are exact because the clock is frozen between advances.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { XmlRpcStruct } from '../../../src/xmlrpc/value.js';
import { startSeattleSimulator } from '../../../src/backends/seattle/sim/index.js';
import { AUTH, DAY, HOUR, handlesOf, rawCall, startTestSim, type TestSim } from './helpers.js';

let sim: TestSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const seconds = (infos: XmlRpcStruct[]): number[] => infos.map((i) => Number(i.expires_in_seconds));

describe('lifetimes', () => {
  const ROWS = [
    { reason: 'a fresh vessel has exactly 4 hours', advance: 0, left: [14400] },
    { reason: 'an hour later 3 hours are left', advance: HOUR, left: [10800] },
    { reason: 'half a second is rounded down to whole seconds', advance: 0.5, left: [14399] },
    { reason: 'one second before expiry it is still listed', advance: 4 * HOUR - 1, left: [1] },
    { reason: 'at 4 hours it is gone', advance: 4 * HOUR, left: [] },
  ];
  it.each(ROWS)('$reason', async ({ advance, left }) => {
    sim = await startTestSim();
    await sim.acquire('wan', 1);
    sim.advance(advance);
    expect(seconds(await sim.resources())).toEqual(left);
  });

  it('renewal resets to now + 7 days and never stacks', async () => {
    sim = await startTestSim();
    const handles = handlesOf(await sim.acquire('lan', 2));
    sim.advance(HOUR);
    expect(await sim.call('renew_resources', AUTH, handles)).toBe(0);
    expect(seconds(await sim.resources())).toEqual([7 * DAY, 7 * DAY]);
    sim.advance(2 * DAY);
    expect(await sim.call('renew_resources', AUTH, handles)).toBe(0);
    expect(await sim.call('renew_resources', AUTH, handles)).toBe(0);
    expect(seconds(await sim.resources())).toEqual([7 * DAY, 7 * DAY]);
    sim.advance(7 * DAY - 1);
    expect(seconds(await sim.resources())).toEqual([1, 1]);
    sim.advance(1);
    expect(await sim.resources()).toEqual([]);
  });

  it('expired vessels stop counting against credits at once', async () => {
    sim = await startTestSim({ accounts: [{ username: 'alice', apiKey: AUTH.api_key, maxVessels: 3 }] });
    await sim.acquire('random', 3);
    expect((await sim.fault('acquire_resources', AUTH, { rspec_type: 'random', number_of_nodes: 1 })).code).toBe(103);
    sim.advance(4 * HOUR);
    expect(await sim.acquire('random', 3)).toHaveLength(3);
  });

  it('expired vessels return to the pool after reclaim and cleanup', async () => {
    sim = await startTestSim({ availability: { lan: 0, wan: 2, nat: 0 } });
    await sim.acquire('wan', 2);
    expect(sim.sim.dump().free.wan).toBe(0);
    sim.advance(4 * HOUR);
    expect(sim.sim.dump().nodes.map((n) => n.status)).toEqual(['expired', 'expired']);
    expect((await sim.fault('acquire_resources', AUTH, { rspec_type: 'wan', number_of_nodes: 1 })).code).toBe(105);
    sim.advance(5);
    expect(sim.sim.dump().nodes.map((n) => n.status)).toEqual(['dirty', 'dirty']);
    sim.advance(5);
    expect(sim.sim.dump().free.wan).toBe(2);
    expect(await sim.acquire('wan', 2)).toHaveLength(2);
  });

  it('renewing just after expiry, before the backend reclaims it, brings the vessel back', async () => {
    sim = await startTestSim();
    const handles = handlesOf(await sim.acquire('wan', 1));
    sim.advance(4 * HOUR + 2);
    expect(await sim.resources()).toEqual([]);
    expect(await sim.call('renew_resources', AUTH, handles)).toBe(0);
    expect(seconds(await sim.resources())).toEqual([7 * DAY]);
  });

  it('renewing after the backend reclaimed it is silently skipped', async () => {
    sim = await startTestSim();
    const handles = handlesOf(await sim.acquire('wan', 1));
    sim.advance(4 * HOUR + 5);
    expect(await sim.call('renew_resources', AUTH, handles)).toBe(0);
    expect(await sim.resources()).toEqual([]);
  });

  it('a released vessel is dirty for one backend loop, then acquirable again', async () => {
    sim = await startTestSim({ availability: { lan: 0, wan: 1, nat: 0 } });
    const handles = handlesOf(await sim.acquire('wan', 1));
    expect(await sim.call('release_resources', AUTH, handles)).toBe(0);
    expect(await sim.resources()).toEqual([]);
    expect(await sim.call('acquire_specific_vessels', AUTH, handles)).toEqual([]);
    sim.advance(5);
    expect(handlesOf((await sim.call('acquire_specific_vessels', AUTH, handles)) as XmlRpcStruct[])).toEqual(handles);
  });

  it('converge.sim.advanceClock moves the same clock over the wire', async () => {
    sim = await startTestSim();
    await sim.acquire('wan', 1);
    await sim.call('converge.sim.advanceClock', 2 * HOUR);
    expect(seconds(await sim.resources())).toEqual([2 * HOUR]);
  });

  it('with the real (running) clock a fresh vessel reports 14400 or 14399', async () => {
    const running = await startSeattleSimulator();
    try {
      const reply = await rawCall(running.url, 'acquire_resources', [AUTH, { rspec_type: 'wan', number_of_nodes: 1 }]);
      expect(reply.ok && seconds(reply.value as XmlRpcStruct[])[0]).toBe(14400);
      const info = await rawCall(running.url, 'get_resource_info', [AUTH]);
      expect([14399, 14400]).toContain(info.ok && seconds(info.value as XmlRpcStruct[])[0]);
    } finally {
      await running.close();
    }
  });
});
