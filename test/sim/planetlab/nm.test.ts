/**
 * The Node Manager simulators (planetlab.md §B, §C): the poll lag (102 before the slice reaches
 * the node, 108 before its delegation does), the dispatcher's faults, sliver runtime states, and
 * the PLC-driven lifecycle (plc-instantiated slivers, expiry).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { XmlRpcStruct } from '../../../src/xmlrpc/value.js';
import type { PlanetLabSimulatorOptions } from '../../../src/backends/planetlab/sim/index.js';
import { PI, WEEK, addSlice, startTestPlanetLab, type TestPlanetLab } from './helpers.js';

const CTL = 'princeton_ctl';
const NOT_A_SLIVER = { code: 102, text: 'Invalid argument: the first argument must be a sliver name.' };
/** POLL_MAX is the longest gap between two polls of a node (600 s + up to 300 s). */
const POLL_MAX = 900;

const sims: TestPlanetLab[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
async function start(options: PlanetLabSimulatorOptions = {}): Promise<TestPlanetLab> {
  const pl = await startTestPlanetLab(options);
  sims.push(pl);
  await addSlice(pl, CTL, { instantiation: 'nm-controller' });
  await pl.plc('AddPersonToSlice', PI, 'pi@princeton.test', CTL);
  return pl;
}

async function running(pl: TestPlanetLab, node: number, name: string): Promise<boolean | undefined> {
  const dump = (await pl.nm(node, undefined, 'converge.sim.nm.dump')) as { accounts: Array<{ name: string; running: boolean }> };
  return dump.accounts.find((a) => a.name === name)?.running;
}

describe('poll lag and delegation', () => {
  it('answers 102 before the slice reaches the node, 108 before its delegation does, and acts after the next poll', async () => {
    const pl = await start();
    await addSlice(pl, 'princeton_x', { instantiation: 'delegated' });
    expect(await pl.nmFault(0, CTL, 'Create', 'princeton_x')).toEqual(NOT_A_SLIVER);

    pl.advance(POLL_MAX);
    expect(await pl.nmFault(0, CTL, 'Create', 'princeton_x')).toEqual({ code: 108, text: 'princeton_ctl: Permission denied.' });
    await pl.plc('AddSliceTag', PI, 'princeton_x', 'delegations', CTL);
    expect(await pl.nmFault(0, CTL, 'Create', 'princeton_x')).toEqual({ code: 108, text: 'princeton_ctl: Permission denied.' });

    pl.advance(POLL_MAX);
    expect(await pl.nm(0, CTL, 'Create', 'princeton_x')).toBe(1);
    expect(await running(pl, 0, 'princeton_x')).toBe(true);
    // uid 1001 went to the controller's account; GetXIDs lists sliver accounts only
    expect(await pl.nm(0, undefined, 'GetXIDs')).toEqual({ princeton_x: 1002 });
  });

  it('delegated and nm-controller slices reach every node, bound or not; the controller gets an account with its members\' keys', async () => {
    const pl = await start();
    await pl.plc('converge.sim.planetlab.pollAll');
    const ssh = (await pl.nm(1, undefined, 'GetSSHKeys')) as XmlRpcStruct;
    expect(String(ssh[CTL])).toMatch(/^ssh-ed25519 \S+ pi@princeton\.test$/);
    const dump = (await pl.nm(1, undefined, 'converge.sim.nm.dump')) as { accounts: Array<{ name: string; kind: string }> };
    expect(dump.accounts).toEqual([expect.objectContaining({ name: CTL, kind: 'controller' })]);
    expect(await pl.nm(1, undefined, 'GetXIDs')).toEqual({});
  });

  it('matches the whole delegations value: a list of two controllers never matches, unless comma-list mode is on', async () => {
    for (const [mode, expected] of [
      ['exact', 108],
      ['comma-list', 0],
    ] as const) {
      const pl = await start({ delegationMode: mode });
      await addSlice(pl, 'princeton_x', { instantiation: 'delegated' });
      await pl.plc('AddSliceTag', PI, 'princeton_x', 'delegations', `princeton_other,${CTL}`);
      await pl.plc('converge.sim.planetlab.pollAll');
      const outcome = await pl.nmFault(0, CTL, 'Create', 'princeton_x').then((f) => f.code, () => 0);
      expect(outcome).toBe(expected);
    }
  });

  it('a slice may act on itself; a plain TCP caller is nobody and may use only the open methods', async () => {
    const pl = await start();
    await addSlice(pl, 'princeton_x', { instantiation: 'delegated' });
    await pl.plc('converge.sim.planetlab.pollAll');
    expect(await pl.nm(0, 'princeton_x', 'Create', 'princeton_x')).toBe(1);
    expect(await pl.nmFault(0, undefined, 'Stop', 'princeton_x')).toEqual({ code: 108, text: 'nobody: Permission denied.' });
    expect(String(await pl.nm(0, undefined, 'Help'))).toContain('**** Ticket\n');
    const record = (await pl.nm(0, 'princeton_x', 'GetRecord')) as XmlRpcStruct;
    expect(record).toMatchObject({ name: 'princeton_x', instantiation: 'delegated', type: 'sliver.LXC', delegations: [] });
    expect(await pl.nmFault(0, CTL, 'GetRecord')).toEqual(NOT_A_SLIVER);
  });
});

describe('dispatcher faults', () => {
  it('answers unknown methods with 100 and wrong counts with 101, in the NM\'s words', async () => {
    const pl = await start();
    expect(await pl.nmFault(0, CTL, 'Frobnicate')).toEqual({
      code: 100,
      text: 'Invalid API method Frobnicate.  Valid choices are AdminTicket, Create, Destroy, GetEffectiveRSpec, GetLoans, GetRSpec, GetRecord, GetSSHKeys, GetXIDs, Help, ReCreate, SetLoans, Start, Stop, Ticket',
    });
    expect(await pl.nmFault(0, CTL, 'Start', 'a', 'b')).toEqual({ code: 101, text: 'Invalid argument count: got 2, expecting 1.' });
    expect(await pl.nmFault(0, CTL, 'Start', ['a'])).toEqual({ code: 1, text: "<class 'TypeError'>:unhashable type: 'list'" });
  });
});

describe('sliver runtime states', () => {
  it('Create starts, Stop stops, Start starts, Destroy removes; Start without an account is 104', async () => {
    const pl = await start();
    await addSlice(pl, 'princeton_x', { instantiation: 'delegated' });
    await pl.plc('AddSliceTag', PI, 'princeton_x', 'delegations', CTL);
    await pl.plc('converge.sim.planetlab.pollAll');
    expect(await pl.nmFault(0, CTL, 'Start', 'princeton_x')).toEqual({ code: 104, text: "Error in call: 'NoneType' object has no attribute 'configure'" });
    await pl.nm(0, CTL, 'Create', 'princeton_x');
    expect(await pl.nm(0, CTL, 'Stop', 'princeton_x')).toBe(1);
    expect(await running(pl, 0, 'princeton_x')).toBe(false);
    pl.advance(POLL_MAX);
    expect(await running(pl, 0, 'princeton_x')).toBe(false);
    expect(await pl.nm(0, CTL, 'Start', 'princeton_x')).toBe(1);
    expect(await running(pl, 0, 'princeton_x')).toBe(true);
    expect(await pl.nm(0, CTL, 'Destroy', 'princeton_x')).toBe(1);
    pl.advance(POLL_MAX);
    expect(await running(pl, 0, 'princeton_x')).toBeUndefined();
    expect(await pl.nmFault(0, CTL, 'Stop', 'princeton_x')).toEqual({ code: 104, text: "Error in call: 'NoneType' object has no attribute 'stop'" });
  });

  it('refuses Create and Destroy of slices PLC instantiates, and restarts those at each poll', async () => {
    const pl = await start();
    await addSlice(pl, 'princeton_p');
    await pl.plc('AddSliceToNodes', PI, 'princeton_p', [1]);
    await pl.plc('AddSliceTag', PI, 'princeton_p', 'delegations', CTL);
    await pl.plc('converge.sim.planetlab.pollAll');
    expect(await running(pl, 0, 'princeton_p')).toBe(true);
    expect(await running(pl, 1, 'princeton_p')).toBeUndefined();
    expect(await pl.nmFault(0, CTL, 'Create', 'princeton_p')).toEqual({ code: 104, text: 'Error in call: Only PLC can create non delegated slivers.' });
    expect(await pl.nmFault(0, CTL, 'Destroy', 'princeton_p')).toEqual({ code: 104, text: 'Error in call: Only PLC can destroy non delegated slivers.' });
    await pl.nm(0, CTL, 'Stop', 'princeton_p');
    expect(await running(pl, 0, 'princeton_p')).toBe(false);
    pl.advance(POLL_MAX);
    expect(await running(pl, 0, 'princeton_p')).toBe(true);
  });

  it('drops the record and destroys the sliver at the poll after the slice expires or leaves the node', async () => {
    const pl = await start();
    await addSlice(pl, 'princeton_p');
    await pl.plc('AddSliceToNodes', PI, 'princeton_p', [1, 3]);
    await pl.plc('converge.sim.planetlab.pollAll');
    await pl.plc('DeleteSliceFromNodes', PI, 'princeton_p', [3]);
    pl.advance(POLL_MAX);
    expect(await running(pl, 2, 'princeton_p')).toBeUndefined();
    pl.advance(2 * WEEK);
    expect(await running(pl, 0, 'princeton_p')).toBeUndefined();
    expect(await pl.nmFault(0, 'princeton_p', 'GetRecord')).toEqual(NOT_A_SLIVER);
  });

  it('serves rspecs, and SetLoans as coded: [] only, any other list is a NameError (fixed mode accepts loans)', async () => {
    for (const mode of ['as-coded', 'fixed'] as const) {
      const pl = await start({ setLoansMode: mode });
      await addSlice(pl, 'princeton_x', { instantiation: 'delegated' });
      await pl.plc('AddSliceTag', PI, 'princeton_x', 'delegations', CTL);
      await pl.plc('converge.sim.planetlab.pollAll');
      expect(await pl.nm(0, CTL, 'GetRSpec', 'princeton_x')).toMatchObject({ cpu_share: 1, net_max_rate: 1000000, tags: { delegations: CTL } });
      expect(await pl.nm(0, CTL, 'SetLoans', 'princeton_x', [])).toBe(1);
      const loans = [[CTL, 'cpu_share', 0]];
      if (mode === 'as-coded') expect(await pl.nmFault(0, CTL, 'SetLoans', 'princeton_x', loans)).toEqual({ code: 104, text: "Error in call: name 'load' is not defined" });
      else {
        expect(await pl.nm(0, CTL, 'SetLoans', 'princeton_x', loans)).toBe(1);
        expect(await pl.nm(0, CTL, 'GetLoans', 'princeton_x')).toEqual(loans);
      }
    }
  });
});
