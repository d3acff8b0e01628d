/**
 * PLC's wire behaviour (planetlab.md §A1–§A2, §C): the exact fault strings, HTTP 500 for an
 * uncaught exception, nil, introspection and system.multicall.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeCall } from '../../../src/xmlrpc/codec.js';
import { ADMIN, PI, USER, addSlice, startTestPlanetLab, type TestPlanetLab } from './helpers.js';

const sims: TestPlanetLab[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
async function start(): Promise<TestPlanetLab> {
  const pl = await startTestPlanetLab();
  sims.push(pl);
  return pl;
}

describe('faults', () => {
  it('answers an unknown method with 100 and no prefix, a wrong count with 101 and an empty caller', async () => {
    const pl = await start();
    expect(await pl.plcFault('NoSuch', PI)).toEqual({ code: 100, text: 'Invalid method NoSuch' });
    expect(await pl.plcFault('GetSlices', PI, null, null, 'extra')).toEqual({ code: 101, text: ': GetSlices: Expected 1-3 arguments, got 4' });
    expect(await pl.plcFault('DeleteSlice', PI)).toEqual({ code: 101, text: ': DeleteSlice: Expected 2 arguments, got 1' });
  });

  it('type-checks arguments before authenticating (102, empty caller)', async () => {
    const pl = await start();
    expect(await pl.plcFault('AddSlice', PI, { name: 5 })).toEqual({ code: 102, text: ": AddSlice: Invalid slice_fields['name'] value: expected string, got int" });
    expect(await pl.plcFault('AddSlice', PI, { name: `princeton_${'x'.repeat(60)}` })).toEqual({
      code: 102,
      text: ": AddSlice: Invalid argument: slice_fields['name'] must be at most 64 bytes long",
    });
    expect(await pl.plcFault('DeleteSlice', PI, { id: 1 })).toEqual({ code: 102, text: ': DeleteSlice: Invalid slice_id_or_name value: expected int or string, got struct' });
  });

  it('prefixes faults of an authenticated call with the caller and the method (§C strings)', async () => {
    const pl = await start();
    await addSlice(pl, 'princeton_conv1');
    expect(await pl.plcFault('AddSlice', PI, { name: 'princeton_conv1' })).toEqual({
      code: 102,
      text: 'person_id 3: AddSlice: Invalid argument: Slice name already in use, princeton_conv1',
    });
    expect(await pl.plcFault('AddSlice', PI, { name: 'other_x' })).toEqual({ code: 102, text: 'person_id 3: AddSlice: Invalid argument: Invalid slice prefix other in other_x' });
    expect(await pl.plcFault('AddSlice', PI, { name: 'Princeton_x' })).toEqual({ code: 102, text: 'person_id 3: AddSlice: Invalid argument: Invalid slice name' });
    expect(await pl.plcFault('AddSlice', PI, { name: 'princeton_x', expires: 1 })).toEqual({
      code: 102,
      text: 'person_id 3: AddSlice: Invalid argument: Trying to set/change unaccepted key expires',
    });
    expect(await pl.plcFault('AddSlice', PI, { name: 'princeton_x', bogus: 1 })).toEqual({
      code: 102,
      text: "person_id 3: AddSlice: Invalid argument: Cannot add Slice with column(s) ['bogus']",
    });
  });

  it('answers AddSlice without a name with HTTP 500, as PLC does', async () => {
    const pl = await start();
    const res = await fetch(pl.url, { method: 'POST', body: encodeCall('AddSlice', [PI, { url: 'http://x' }]) });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('Internal Server Error');
  });

  it('serves only POST /PLCAPI/', async () => {
    const pl = await start();
    expect(pl.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/PLCAPI\/$/);
    expect((await fetch(new URL('/RPC2', pl.url), { method: 'POST', body: encodeCall('AuthCheck', [PI]) })).status).toBe(404);
  });
});

describe('nil and introspection', () => {
  it('sends nil for NULL columns and accepts nil arguments', async () => {
    const pl = await start();
    await pl.plc('AddSlice', PI, { name: 'princeton_bare' });
    expect(await pl.plc('GetSlices', PI, null, ['name', 'url', 'description', 'peer_id'])).toEqual([{ name: 'princeton_bare', url: null, description: null, peer_id: null }]);
  });

  it('lists its methods and describes them', async () => {
    const pl = await start();
    const methods = (await pl.plc('system.listMethods')) as string[];
    expect(methods).toEqual(expect.arrayContaining(['AddSlice', 'GetSlices', 'GetSliceTicket', 'system.multicall', 'system.listMethods']));
    expect(String(await pl.plc('system.methodHelp', 'AddSlice'))).toContain('admin, pi');
    expect(await pl.plc('system.methodSignature', 'DeleteSlice')).toEqual([['int', 'struct', 'mixed']]);
  });
});

describe('system.multicall', () => {
  it('returns [value] or a fault struct per call, in order, with auth per call', async () => {
    const pl = await start();
    await addSlice(pl, 'princeton_m1');
    const results = await pl.plc('system.multicall', [
      { methodName: 'GetSlices', params: [PI, 'princeton_m1', ['name']] },
      { methodName: 'NoSuch', params: [] },
      { methodName: 'AddSlice', params: [USER, { name: 'princeton_m2' }] },
      { methodName: 'AddSlice', params: [PI, {}] },
      { methodName: 'system.multicall', params: [[]] },
      { methodName: 'AuthCheck', params: [ADMIN] },
    ]);
    expect(results).toEqual([
      [[{ name: 'princeton_m1' }]],
      { faultCode: 100, faultString: 'Invalid method NoSuch' },
      { faultCode: 103, faultString: ': AddSlice: Failed to authenticate call: PasswordAuth: missing role, method AddSlice has roles [admin,pi] -- caller user@princeton.test has roles [user]' },
      { faultCode: 1, faultString: "<class 'KeyError'>:'name'" },
      { faultCode: -507, faultString: 'Recursive system.multicall forbidden' },
      [1],
    ]);
  });

  it('counts as one call in the call log, whatever it holds', async () => {
    const pl = await start();
    const since = pl.sim.knobs.log.lastSeq;
    const calls = Array.from({ length: 50 }, (_, i) => ({ methodName: 'GetSlices', params: [PI, `princeton_${i}`, ['name']] }));
    const results = (await pl.plc('system.multicall', calls)) as unknown[];
    expect(results).toHaveLength(50);
    expect(pl.sim.knobs.log.countByMethod(since)).toEqual({ 'system.multicall': 1 });
  });
});
