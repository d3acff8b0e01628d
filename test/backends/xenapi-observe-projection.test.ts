/**
 * The observation's list reads decode only the fields the record parsers read
 * (src/backends/xenapi/observe/record-reads.ts). What must hold: the typed records are the same as
 * from the whole reply, for every list the observation makes, against the simulator over a real
 * socket; and each parser reads its fields unconditionally, so the probe that finds them finds all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_UUIDS } from '../../src/backends/xenapi/sim/index.js';
import { parseNetwork, parseVbd, parseVdi, parseVif, parseVm, recordMap } from '../../src/backends/xenapi/api/records.js';
import { GUEST_VMS, XenApi } from '../../src/backends/xenapi/api/xen-api.js';
import { XenSession } from '../../src/backends/xenapi/session/session.js';
import { fieldsReadBy, projectionFor, readRecords } from '../../src/backends/xenapi/observe/record-reads.js';
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../src/xmlrpc/value.js';
import { startTestXen, type TestXen } from '../sim/xenapi/helpers.js';

let xen: TestXen;
let api: XenApi;
const never = new AbortController().signal;

beforeAll(async () => {
  xen = await startTestXen();
  const c = xen.client;
  const network = await c.ref('network', SEED_UUIDS.network);
  for (const i of [0, 1]) {
    const vm = String(await c.call('VM.clone', await c.ref('VM', SEED_UUIDS.templateDebianLocal), `projected-${i}`));
    await c.call('VM.provision', vm);
    await c.call('VM.set_other_config', vm, { 'converge.owner': 'o', 'converge.key': `Infrastructure/p/vm/n-${i}`, 'a&b': '<x>' });
    await c.call('VIF.create', { device: '0', network, VM: vm, MAC: '', MTU: '1500', other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {} });
    if (i === 0) await c.call('VM.start', vm, false, false);
  }
  api = new XenApi(new XenSession({ url: xen.url, credentials: { username: 'root', password: 'xenroot' }, client: {} }));
});
afterAll(async () => {
  await api?.session.logout();
  await xen?.close();
});

type Parser = (ref: string, r: XmlRpcStruct) => unknown;
const lists: Array<{ method: string; params: XmlRpcValue[]; parse: Parser }> = [
  { method: 'VM.get_all_records_where', params: [GUEST_VMS], parse: parseVm },
  { method: 'VM.get_all_records', params: [], parse: parseVm },
  { method: 'VBD.get_all_records', params: [], parse: parseVbd },
  { method: 'VDI.get_all_records', params: [], parse: parseVdi },
  { method: 'VIF.get_all_records', params: [], parse: parseVif },
  { method: 'network.get_all_records', params: [], parse: parseNetwork },
];

/** recording wraps a record so that every field read of it is noted. */
function recording(record: XmlRpcStruct, read: Set<string>): XmlRpcStruct {
  return new Proxy(record, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return Reflect.get(target, name) as XmlRpcValue;
    },
  });
}

describe('XenAPI list reads with a projection', () => {
  it.each(lists)('$method: the same typed records as from the whole reply', async ({ method, params, parse }) => {
    const whole = recordMap(method, await api.session.read(method, params, { signal: never }), parse);
    const projected = await readRecords(api, method, params, parse, never);
    expect(whole.size).toBeGreaterThan(0);
    expect([...projected.entries()]).toEqual([...whole.entries()]);
  });

  it.each(lists)('$method: its parser reads on real records exactly the fields the probe found', async ({ method, params, parse }) => {
    const value = await api.session.read(method, params, { signal: never });
    if (!isStruct(value)) throw new Error('not a map');
    const keep = projectionFor(parse).keep;
    for (const [ref, record] of Object.entries(value)) {
      const read = new Set<string>();
      parse(ref, recording(record as XmlRpcStruct, read));
      expect([...read].sort()).toEqual([...keep].sort());
    }
  });

  it('keeps a handful of a VM record’s ~90 fields', () => {
    const keep = fieldsReadBy(parseVm);
    expect([...keep]).toEqual(expect.arrayContaining(['uuid', 'name_label', 'power_state', 'other_config', 'VIFs', 'VBDs', 'current_operations', 'guest_metrics']));
    expect(keep.size).toBeLessThan(20);
  });
});
