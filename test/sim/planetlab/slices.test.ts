/**
 * The slice lifecycle at PLC (planetlab.md §A4–§A5, §A8, §C): create, update, renew within and
 * beyond the 8-week cap, expiry, purge, delete; site limits and the write permission.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { XmlRpcStruct } from '../../../src/xmlrpc/value.js';
import { ADMIN, DAY, OTHER_PI, PI, START, USER, WEEK, addSlice, startTestPlanetLab, type TestPlanetLab } from './helpers.js';

const sims: TestPlanetLab[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
async function start(): Promise<TestPlanetLab> {
  const pl = await startTestPlanetLab();
  sims.push(pl);
  return pl;
}

describe('AddSlice', () => {
  it('creates a slice with PLC defaults: plc-instantiated, 100 nodes, 14 days, no members, an hrn tag', async () => {
    const pl = await start();
    const id = await pl.plc('AddSlice', PI, { name: 'princeton_conv1' });
    const slice = await pl.slice('princeton_conv1');
    expect(slice).toMatchObject({
      slice_id: id,
      site_id: 2,
      instantiation: 'plc-instantiated',
      max_nodes: 100,
      creator_person_id: 3,
      created: START,
      expires: START + 2 * WEEK,
      person_ids: [],
      node_ids: [],
      url: null,
      description: null,
    });
    expect(await pl.plc('GetSliceTags', ADMIN, { name: 'princeton_conv1' }, ['tagname', 'value'])).toEqual([{ tagname: 'hrn', value: 'plc.princeton.conv1' }]);
  });

  it('needs the site to allow slices (max_slices, enabled) and the caller to be at that site', async () => {
    const pl = await start();
    expect(await pl.plcFault('AddSlice', OTHER_PI, { name: 'upmc_x' })).toEqual({
      code: 102,
      text: 'person_id 5: AddSlice: Invalid argument: Site UPMC has reached (0) its maximum allowable slice count (0)',
    });
    expect((await pl.plcFault('AddSlice', OTHER_PI, { name: 'princeton_x' })).code).toBe(108);
    await pl.plc('converge.sim.plc.setSite', 'upmc', { max_slices: 1, enabled: false });
    expect((await pl.plcFault('AddSlice', OTHER_PI, { name: 'upmc_x' })).text).toBe('person_id 5: AddSlice: Invalid argument: Site UPMC is disabled and can cannot create slices');
    expect(await pl.plc('AddSlice', ADMIN, { name: 'pl_ops' })).toBeGreaterThan(0);
  });

  it('refuses an unknown instantiation', async () => {
    const pl = await start();
    expect((await pl.plcFault('AddSlice', PI, { name: 'princeton_x', instantiation: 'magic' })).text).toBe('person_id 3: AddSlice: Invalid argument: No such instantiation state');
  });
});

describe('UpdateSlice and renewal', () => {
  it('renews up to 8 weeks from now and refuses beyond (non-admins), and an admin may go further', async () => {
    const pl = await start();
    await addSlice(pl, 'princeton_r');
    pl.advance(DAY);
    const now = START + DAY;
    expect(await pl.plc('UpdateSlice', PI, 'princeton_r', { expires: now + 8 * WEEK })).toBe(1);
    expect((await pl.slice('princeton_r'))?.expires).toBe(now + 8 * WEEK);
    expect(await pl.plcFault('UpdateSlice', PI, 'princeton_r', { expires: now + 8 * WEEK + 1 })).toEqual({
      code: 102,
      text: 'person_id 3: UpdateSlice: Invalid argument: Cannot renew a slice beyond 8 weeks from now',
    });
    expect(await pl.plc('UpdateSlice', ADMIN, 'princeton_r', { expires: now + 20 * WEEK })).toBe(1);
  });

  it('needs url and description to renew, on the slice or in the same call', async () => {
    const pl = await start();
    await pl.plc('AddSlice', PI, { name: 'princeton_bare' });
    const later = START + 3 * WEEK;
    expect(await pl.plcFault('UpdateSlice', PI, 'princeton_bare', { expires: later, url: 'http://x' })).toEqual({
      code: 102,
      text: 'person_id 3: UpdateSlice: Invalid argument: Cannot renew a slice with an empty description or URL',
    });
    expect(await pl.plc('UpdateSlice', PI, 'princeton_bare', { expires: later, url: 'http://x', description: 'now described' })).toBe(1);
    expect(await pl.plc('UpdateSlice', PI, 'princeton_bare', { expires: START + DAY })).toBe(1);
  });

  it('refuses an expires in the past, a name change, and max_nodes from a plain member', async () => {
    const pl = await start();
    await addSlice(pl, 'princeton_u');
    await pl.plc('AddPersonToSlice', PI, 'user@princeton.test', 'princeton_u');
    expect(await pl.plcFault('UpdateSlice', PI, 'princeton_u', { expires: START - 3600 })).toEqual({
      code: 102,
      text: "person_id 3: UpdateSlice: Invalid argument: '2026-12-01 11:00:00' not in the future",
    });
    expect((await pl.plcFault('UpdateSlice', PI, 'princeton_u', { name: 'princeton_v' })).text).toBe('person_id 3: UpdateSlice: Invalid argument: Trying to set/change unaccepted key name');
    expect((await pl.plcFault('UpdateSlice', USER, 'princeton_u', { max_nodes: 5 })).text).toBe('person_id 4: UpdateSlice: Invalid argument: Only admins and PIs may update max_nodes');
    expect(await pl.plc('UpdateSlice', USER, 'princeton_u', { description: 'member edit', instantiation: 'delegated' })).toBe(1);
    expect(await pl.slice('princeton_u')).toMatchObject({ description: 'member edit', instantiation: 'delegated' });
  });

  it('is refused (108) to a user who is not a member and to a PI of another site', async () => {
    const pl = await start();
    await addSlice(pl, 'princeton_p');
    expect((await pl.plcFault('UpdateSlice', USER, 'princeton_p', { description: 'x' })).text).toBe('person_id 4: UpdateSlice: Permission denied: Not a member of the specified slice');
    expect((await pl.plcFault('UpdateSlice', OTHER_PI, 'princeton_p', { description: 'x' })).text).toBe(
      'person_id 5: UpdateSlice: Permission denied: Specified slice not associated with any of your sites',
    );
  });

  it('replaces the whole node and person sets, through the link methods and their permissions', async () => {
    const pl = await start();
    await addSlice(pl, 'princeton_n');
    expect(await pl.plc('UpdateSlice', PI, 'princeton_n', { nodes: ['node1.princeton.test', 3, 'unknown.test'], persons: ['user@princeton.test'] })).toBe(1);
    expect(await pl.slice('princeton_n')).toMatchObject({ node_ids: [1, 3], person_ids: [4] });
    expect(await pl.plc('UpdateSlice', USER, 'princeton_n', { nodes: [2] })).toBe(1);
    expect((await pl.slice('princeton_n'))?.node_ids).toEqual([2]);
    expect(await pl.plcFault('UpdateSlice', USER, 'princeton_n', { persons: [] })).toEqual({
      code: 103,
      text: 'person_id 4: UpdateSlice: : DeletePersonFromSlice: Failed to authenticate call: PasswordAuth: missing role, method DeletePersonFromSlice has roles [admin,pi] -- caller user@princeton.test has roles [user]',
    });
  });
});

describe('expiry, purge and delete', () => {
  it('an expired slice vanishes from every lookup and cannot be renewed; it still counts for max_slices until the next AddSlice purges it', async () => {
    const pl = await start();
    await pl.plc('converge.sim.plc.setSite', 'princeton', { max_slices: 1 });
    const first = await addSlice(pl, 'princeton_e');
    pl.advance(2 * WEEK + 1);
    expect(await pl.plc('GetSlices', ADMIN, 'princeton_e')).toEqual([]);
    expect(await pl.plcFault('UpdateSlice', PI, 'princeton_e', { expires: START + 3 * WEEK })).toEqual({ code: 102, text: "person_id 3: UpdateSlice: Invalid argument: No such slice 'princeton_e'" });
    expect(await pl.plcFault('DeleteSlice', PI, 'princeton_e')).toEqual({ code: 102, text: 'person_id 3: DeleteSlice: Invalid argument: No such slice' });
    expect((await pl.plcFault('AddSlice', PI, { name: 'princeton_e' })).text).toContain('has reached (1) its maximum allowable slice count (1)');
    await pl.plc('converge.sim.plc.setSite', 'princeton', { max_slices: 2 });
    const second = await addSlice(pl, 'princeton_e');
    expect(second).not.toBe(first);
    await pl.plc('converge.sim.plc.setSite', 'princeton', { max_slices: 1 });
    expect((await pl.plc('GetSites', ADMIN, 'princeton', ['slice_ids'])) as XmlRpcStruct[]).toEqual([{ slice_ids: [second] }]);
  });

  it('DeleteSlice is a soft delete that unlinks everything and frees the name; a second delete is 102', async () => {
    const pl = await start();
    await addSlice(pl, 'princeton_d');
    await pl.plc('AddSliceToNodes', PI, 'princeton_d', [1]);
    await pl.plc('AddSliceTag', PI, 'princeton_d', 'vsys', 'pl_netflow');
    expect(await pl.plcFault('DeleteSlice', USER, 'princeton_d')).toEqual({ code: 108, text: 'person_id 4: DeleteSlice: Permission denied: Not a member of the specified slice' });
    expect(await pl.plc('DeleteSlice', PI, 'princeton_d')).toBe(1);
    expect(await pl.plcFault('DeleteSlice', PI, 'princeton_d')).toEqual({ code: 102, text: 'person_id 3: DeleteSlice: Invalid argument: No such slice' });
    expect(await pl.plc('GetSliceTags', ADMIN, { name: 'princeton_d' })).toEqual([]);
    expect((await pl.plc('GetNodes', ADMIN, 1, ['slice_ids'])) as XmlRpcStruct[]).toEqual([{ slice_ids: [] }]);
    const dump = (await pl.plc('converge.sim.plc.dump')) as { slices: Array<{ name: string; is_deleted: boolean }> };
    expect(dump.slices).toEqual([expect.objectContaining({ name: 'princeton_d', is_deleted: true })]);
    expect(await addSlice(pl, 'princeton_d')).toBeGreaterThan(0);
  });
});
