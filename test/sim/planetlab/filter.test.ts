/**
 * Filter semantics, return_fields and read visibility (planetlab.md §A5–§A7, §C).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { XmlRpcStruct } from '../../../src/xmlrpc/value.js';
import { ADMIN, OTHER_PI, PI, START, TECH, USER, addSlice, startTestPlanetLab, type TestPlanetLab } from './helpers.js';

let pl: TestPlanetLab;
beforeAll(async () => {
  pl = await startTestPlanetLab();
  await pl.plc('converge.sim.plc.setSite', 'upmc', { max_slices: 5 });
  await addSlice(pl, 'princeton_alpha');
  await addSlice(pl, 'princeton_beta', { url: null, instantiation: 'delegated' });
  await addSlice(pl, 'princeton_b1ta');
  await pl.plc('AddSlice', OTHER_PI, { name: 'upmc_gamma', url: 'http://upmc', description: 'upmc slice' });
  await pl.plc('AddPersonToSlice', PI, 'user@princeton.test', 'princeton_alpha');
  await pl.plc('AddSliceToNodes', PI, 'princeton_alpha', ['node1.princeton.test', 'node2.upmc.test']);
  await pl.plc('AddSliceToNodes', OTHER_PI, 'upmc_gamma', ['node1.princeton.test']);
});
afterAll(async () => {
  await pl.close();
});

async function names(auth: XmlRpcStruct, filter: unknown, ...rest: unknown[]): Promise<string[]> {
  const rows = (await pl.plc('GetSlices', auth, filter as never, ['name'], ...(rest as never[]))) as Array<{ name: string }>;
  return rows.map((r) => r.name);
}

describe('filter shapes', () => {
  it('takes nil, a list of ids and names, one name, one id, or a struct', async () => {
    expect(await names(ADMIN, null)).toEqual(['princeton_alpha', 'princeton_beta', 'princeton_b1ta', 'upmc_gamma']);
    expect(await names(ADMIN, [1, 'upmc_gamma', 'princeton_*'])).toEqual(['princeton_alpha', 'upmc_gamma']);
    expect(await names(ADMIN, 'princeton_beta')).toEqual(['princeton_beta']);
    expect(await names(ADMIN, 3)).toEqual(['princeton_b1ta']);
    expect(await names(ADMIN, 'princeton_nosuch')).toEqual([]);
  });

  it('matches * and % as any run, and then _ as any one character (SQL LIKE); without them, equality', async () => {
    expect(await names(ADMIN, 'princeton_*')).toEqual(['princeton_alpha', 'princeton_beta', 'princeton_b1ta']);
    expect(await names(ADMIN, { name: 'princeton_b%ta' })).toEqual(['princeton_beta', 'princeton_b1ta']);
    expect(await names(ADMIN, { name: 'princeton_b_ta*' })).toEqual(['princeton_beta', 'princeton_b1ta']);
    expect(await names(ADMIN, { name: 'princeton_b_ta' })).toEqual([]);
  });

  it('supports ~, < > [ ], lists, & |, NULL, and NOT over NULL staying unknown', async () => {
    expect(await names(ADMIN, { '~name': 'princeton_*' })).toEqual(['upmc_gamma']);
    expect(await names(ADMIN, { '>slice_id': 2, '[slice_id': 3 })).toEqual(['princeton_b1ta']);
    expect(await names(ADMIN, { ']slice_id': 3 })).toEqual(['princeton_b1ta', 'upmc_gamma']);
    expect(await names(ADMIN, { '<slice_id': 2 })).toEqual(['princeton_alpha']);
    expect(await names(ADMIN, { instantiation: ['delegated', 'nm-controller'] })).toEqual(['princeton_beta']);
    expect(await names(ADMIN, { slice_id: [] })).toEqual([]);
    expect(await names(ADMIN, { '&node_ids': [1, 2] })).toEqual(['princeton_alpha']);
    expect(await names(ADMIN, { '|node_ids': [1] })).toEqual(['princeton_alpha', 'upmc_gamma']);
    expect(await names(ADMIN, { url: null })).toEqual(['princeton_beta']);
    expect(await names(ADMIN, { '~url': 'http://example.org' })).toEqual(['upmc_gamma']);
    expect(await names(ADMIN, { '>expires': START })).toHaveLength(4);
  });

  it('sorts, clips, and ORs', async () => {
    expect(await names(ADMIN, { '-SORT': '-name' })).toEqual(['upmc_gamma', 'princeton_beta', 'princeton_b1ta', 'princeton_alpha']);
    expect(await names(ADMIN, { '-SORT': ['instantiation', '-slice_id'] })).toEqual(['princeton_beta', 'upmc_gamma', 'princeton_b1ta', 'princeton_alpha']);
    expect(await names(ADMIN, { '-SORT': ['instantiation', '-slice_id'], '-OFFSET': 1, '-LIMIT': 2 })).toEqual(['upmc_gamma', 'princeton_b1ta']);
    expect(await names(ADMIN, { name: 'upmc_gamma', slice_id: 1, '-OR': true })).toEqual(['princeton_alpha', 'upmc_gamma']);
  });

  it('refuses unknown fields, sort fields and special keys with 102', async () => {
    expect(await pl.plcFault('GetSlices', ADMIN, { bogus: 1 })).toEqual({ code: 102, text: "person_id 1: GetSlices: Invalid argument: Invalid filter field 'bogus'" });
    expect((await pl.plcFault('GetSlices', ADMIN, { '-SORT': 'bogus' })).text).toBe("person_id 1: GetSlices: Invalid argument: Invalid field 'bogus' in SORT filter");
    expect((await pl.plcFault('GetSlices', ADMIN, { '-TOP': 1 })).text).toBe("person_id 1: GetSlices: Invalid argument: Invalid filter, unknown sort and clip field 'TOP'");
  });
});

describe('return_fields', () => {
  it('returns only the asked columns, accessor tags included, and refuses unknown ones', async () => {
    expect(await pl.plc('GetSlices', ADMIN, 'princeton_alpha', ['name', 'hrn', 'node_ids', 'person_ids'])).toEqual([
      { name: 'princeton_alpha', hrn: 'plc.princeton.alpha', node_ids: [1, 2], person_ids: [4] },
    ]);
    expect(await pl.plcFault('GetSlices', ADMIN, null, ['name', 'bogus'])).toEqual({ code: 102, text: "person_id 1: GetSlices: Invalid argument: unknown column(s) specified ['bogus'] in Slice" });
    const row = ((await pl.plc('GetSlices', ADMIN, 'princeton_alpha')) as XmlRpcStruct[])[0]!;
    expect(Object.keys(row).sort()).toEqual(
      ['created', 'creator_person_id', 'description', 'expires', 'instantiation', 'max_nodes', 'name', 'node_ids', 'peer_id', 'peer_slice_id', 'person_ids', 'site_id', 'slice_id', 'slice_tag_ids', 'url'].sort(),
    );
  });

  it('works the same for nodes, persons and sites', async () => {
    expect(await pl.plc('GetNodes', ADMIN, { hostname: '*.upmc.test' }, ['node_id', 'slice_ids'])).toEqual([{ node_id: 2, slice_ids: [1] }]);
    expect(await pl.plc('GetPersons', ADMIN, ['pi@princeton.test'], ['person_id', 'roles', 'role_ids'])).toEqual([{ person_id: 3, roles: ['pi', 'user'], role_ids: [20, 30] }]);
    expect(await pl.plc('GetSites', ADMIN, 'upmc', ['login_base', 'max_slices', 'slice_ids'])).toEqual([{ login_base: 'upmc', max_slices: 5, slice_ids: [4] }]);
    expect((await pl.plcFault('GetPersons', ADMIN, null, ['password'])).text).toBe("person_id 1: GetPersons: Invalid argument: unknown column(s) specified ['password'] in Person");
  });
});

describe('visibility', () => {
  it('users see their slices, PIs their sites\' slices, techs the slices on their nodes; others are dropped silently', async () => {
    expect(await names(USER, null)).toEqual(['princeton_alpha']);
    expect(await names(USER, 'upmc_gamma')).toEqual([]);
    expect(await names(PI, null)).toEqual(['princeton_alpha', 'princeton_beta', 'princeton_b1ta']);
    expect(await names(OTHER_PI, null)).toEqual(['upmc_gamma']);
    expect((await pl.plc('GetSlices', { ...TECH }, null, ['name']).catch((e: Error) => e.message)) as string).toContain('fault 103');
  });

  it('a caller who can see no slice gets [] before its filter is even read', async () => {
    const lonely = await startTestPlanetLab();
    try {
      expect(await lonely.plc('GetSlices', USER, { bogus: 1 })).toEqual([]);
    } finally {
      await lonely.close();
    }
  });

  it('users see only themselves in GetPersons; PIs their site', async () => {
    const emails = async (auth: XmlRpcStruct): Promise<string[]> => ((await pl.plc('GetPersons', auth, null, ['email'])) as Array<{ email: string }>).map((p) => p.email);
    expect(await emails(USER)).toEqual(['user@princeton.test']);
    expect(await emails(PI)).toEqual(['tech@princeton.test', 'pi@princeton.test', 'user@princeton.test']);
  });
});
