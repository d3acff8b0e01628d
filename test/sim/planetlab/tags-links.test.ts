/**
 * Slice tags and their roles, node and person links, the node whitelist, and person keys
 * (planetlab.md §A5–§A6).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { XmlRpcStruct } from '../../../src/xmlrpc/value.js';
import { ADMIN, OTHER_PI, PI, TECH, USER, addSlice, startTestPlanetLab, type TestPlanetLab } from './helpers.js';

const sims: TestPlanetLab[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
async function start(): Promise<TestPlanetLab> {
  const pl = await startTestPlanetLab();
  sims.push(pl);
  await addSlice(pl, 'princeton_t');
  await pl.plc('AddPersonToSlice', PI, 'user@princeton.test', 'princeton_t');
  return pl;
}

async function tags(pl: TestPlanetLab, filter: XmlRpcStruct = { name: 'princeton_t' }): Promise<XmlRpcStruct[]> {
  return (await pl.plc('GetSliceTags', ADMIN, filter, ['tagname', 'value', 'node_id'])) as XmlRpcStruct[];
}

describe('slice tags', () => {
  it('lets a member set delegations, keeps several values per name, and refuses the same value twice', async () => {
    const pl = await start();
    expect(await pl.plc('AddSliceTag', USER, 'princeton_t', 'delegations', 'princeton_ctl')).toBeGreaterThan(0);
    await pl.plc('AddSliceTag', USER, 'princeton_t', 'vsys', 'pl_netflow');
    await pl.plc('AddSliceTag', USER, 'princeton_t', 'vsys', 'fd_tuntap');
    expect(await pl.plcFault('AddSliceTag', USER, 'princeton_t', 'vsys', 'fd_tuntap')).toEqual({ code: 102, text: 'person_id 4: AddSliceTag: Invalid argument: Slice attribute already exists' });
    expect(await tags(pl, { name: 'princeton_t', tagname: 'vsys' })).toEqual([
      { tagname: 'vsys', value: 'pl_netflow', node_id: null },
      { tagname: 'vsys', value: 'fd_tuntap', node_id: null },
    ]);
  });

  it('writes per the tag type roles: admin-only types, pi-only rawdisk, user roles only as a member', async () => {
    const pl = await start();
    expect(await pl.plcFault('AddSliceTag', PI, 'princeton_t', 'cpu_share', '5')).toEqual({ code: 108, text: 'person_id 3: AddSliceTag: Permission denied: Cannot write slice tag cpu_share' });
    expect((await pl.plcFault('AddSliceTag', USER, 'princeton_t', 'rawdisk', '1')).text).toBe('person_id 4: AddSliceTag: Permission denied: Cannot write slice tag rawdisk');
    expect(await pl.plc('AddSliceTag', PI, 'princeton_t', 'rawdisk', '1')).toBeGreaterThan(0);
    expect(await pl.plc('AddSliceTag', ADMIN, 'princeton_t', 'cpu_share', '5')).toBeGreaterThan(0);
    await pl.plc('DeletePersonFromSlice', PI, 'user@princeton.test', 'princeton_t');
    expect((await pl.plcFault('AddSliceTag', USER, 'princeton_t', 'delegations', 'x')).code).toBe(108);
    expect((await pl.plcFault('AddSliceTag', OTHER_PI, 'princeton_t', 'delegations', 'x')).text).toBe('person_id 5: AddSliceTag: Permission denied: Cannot write slice tag delegations');
    expect((await pl.plcFault('AddSliceTag', TECH, 'princeton_t', 'vsys', 'x')).code).toBe(103);
  });

  it('stores values as strings and refuses other types, unknown tag types and unknown initscripts', async () => {
    const pl = await start();
    expect((await pl.plcFault('AddSliceTag', PI, 'princeton_t', 'vref', 5)).text).toBe(': AddSliceTag: Invalid value value: expected string or string, got int');
    expect((await pl.plcFault('AddSliceTag', PI, 'princeton_t', 'nosuch', 'x')).text).toBe("person_id 3: AddSliceTag: Invalid argument: No such tag type 'nosuch'");
    expect((await pl.plcFault('AddSliceTag', PI, 'princeton_t', 'initscript', 'nope')).text).toBe("person_id 3: AddSliceTag: Invalid argument: No such plc initscript 'nope'");
    expect(await pl.plc('AddSliceTag', PI, 'princeton_t', 'initscript', 'hello')).toBeGreaterThan(0);
  });

  it('sets sliver tags only on nodes of the slice, and tells them apart from slice-wide ones', async () => {
    const pl = await start();
    expect((await pl.plcFault('AddSliceTag', PI, 'princeton_t', 'vref', 'f33', 'node1.princeton.test')).text).toBe(
      'person_id 3: AddSliceTag: Permission denied: %s, node must be in slice when setting sliver tag',
    );
    await pl.plc('AddSliceToNodes', PI, 'princeton_t', ['node1.princeton.test']);
    await pl.plc('AddSliceTag', PI, 'princeton_t', 'vref', 'f33');
    await pl.plc('AddSliceTag', PI, 'princeton_t', 'vref', 'f33', 'node1.princeton.test');
    expect((await pl.plcFault('AddSliceTag', PI, 'princeton_t', 'vref', 'f33', 1)).text).toBe('person_id 3: AddSliceTag: Invalid argument: Sliver attribute already exists');
    expect(await tags(pl, { name: 'princeton_t', tagname: 'vref' })).toEqual([
      { tagname: 'vref', value: 'f33', node_id: null },
      { tagname: 'vref', value: 'f33', node_id: 1 },
    ]);
  });

  it('updates and deletes tags under the same rules, and accessor tags through UpdateSlice', async () => {
    const pl = await start();
    const id = await pl.plc('AddSliceTag', USER, 'princeton_t', 'delegations', 'princeton_a');
    expect(await pl.plc('UpdateSliceTag', USER, id, 'princeton_b')).toBe(1);
    expect((await pl.plcFault('UpdateSliceTag', OTHER_PI, id, 'x')).code).toBe(108);
    expect((await pl.plcFault('UpdateSliceTag', USER, 999, 'x')).text).toBe('person_id 4: UpdateSliceTag: Invalid argument: No such slice attribute');
    await pl.plc('UpdateSlice', PI, 'princeton_t', { vref: 'f31' });
    await pl.plc('UpdateSlice', PI, 'princeton_t', { vref: 'f33' });
    expect(await pl.plc('GetSlices', PI, 'princeton_t', ['vref'])).toEqual([{ vref: 'f33' }]);
    expect(await pl.plc('DeleteSliceTag', USER, id)).toBe(1);
    expect(await tags(pl, { name: 'princeton_t', tagname: 'delegations' })).toEqual([]);
  });
});

describe('links', () => {
  it('adds and removes nodes idempotently, ignoring unknown ones and not enforcing max_nodes', async () => {
    const pl = await start();
    await pl.plc('UpdateSlice', PI, 'princeton_t', { max_nodes: 1 });
    expect(await pl.plc('AddSliceToNodes', USER, 'princeton_t', [1, 'node2.upmc.test', 'ghost.test', 1])).toBe(1);
    expect(await pl.plc('AddSliceToNodes', USER, 'princeton_t', [2])).toBe(1);
    expect((await pl.slice('princeton_t'))?.node_ids).toEqual([1, 2]);
    expect(await pl.plc('DeleteSliceFromNodes', USER, 'princeton_t', [2, 3])).toBe(1);
    expect((await pl.slice('princeton_t'))?.node_ids).toEqual([1]);
  });

  it('refuses a slice not on a node\'s whitelist unless the caller belongs to the node\'s site', async () => {
    const pl = await start();
    await pl.plc('AddSlice', ADMIN, { name: 'pl_ops' });
    await pl.plc('converge.sim.plc.setNodeWhitelist', 'node2.upmc.test', ['pl_ops']);
    expect((await pl.plcFault('AddSliceToNodes', PI, 'princeton_t', ['node2.upmc.test'])).text).toBe(
      'person_id 3: AddSliceToNodes: Invalid argument: princeton_t is not allowed on node2.upmc.test (not on the whitelist)',
    );
    expect(((await pl.plc('GetNodes', PI, null, ['hostname'])) as XmlRpcStruct[]).map((n) => n.hostname)).toEqual(['node1.princeton.test', 'node3.princeton.test']);
    expect(await pl.plc('AddSliceToNodes', ADMIN, 'pl_ops', ['node2.upmc.test'])).toBe(1);
  });

  it('adds people (idempotent) only as admin or PI of the slice\'s site', async () => {
    const pl = await start();
    expect(await pl.plc('AddPersonToSlice', PI, 4, 'princeton_t')).toBe(1);
    expect((await pl.slice('princeton_t'))?.person_ids).toEqual([4]);
    await pl.plc('converge.sim.plc.setSite', 'upmc', { max_slices: 1 });
    expect(await pl.plcFault('AddPersonToSlice', OTHER_PI, 'pi@upmc.test', 'princeton_t')).toEqual({
      code: 108,
      text: 'person_id 5: AddPersonToSlice: Permission denied: Not allowed to add users to this slice',
    });
    expect((await pl.plcFault('AddPersonToSlice', PI, 'ghost@x.test', 'princeton_t')).text).toBe('person_id 3: AddPersonToSlice: Invalid argument: No such account');
  });
});

describe('keys', () => {
  it('lets a person add an ssh key to themselves only', async () => {
    const pl = await start();
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLE ctl@test';
    expect(await pl.plc('AddPersonKey', USER, 'user@princeton.test', { key_type: 'ssh', key })).toBe(3);
    expect((await pl.plcFault('AddPersonKey', USER, 'pi@princeton.test', { key_type: 'ssh', key })).code).toBe(108);
    expect((await pl.plcFault('AddPersonKey', USER, 'user@princeton.test', { key_type: 'ssh', key: 'not a key' })).text).toBe(
      'person_id 4: AddPersonKey: Invalid argument: Invalid SSH version 2 public key',
    );
    expect(await pl.plc('GetKeys', USER, null, ['key_id', 'key'])).toEqual([expect.objectContaining({ key_id: 2 }), { key_id: 3, key }]);
  });
});
