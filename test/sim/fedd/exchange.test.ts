/**
 * Connection parameters through the experiment controller's store (fedd.md §4.5, §6.4): outputs
 * are SetValue'd, inputs awaited with a blocking GetValue, both under the allocation's own
 * certificate. Three testbeds started concurrently exchange their values and come up; a
 * testbed started alone waits for its inputs and fails with Federant Error once the (virtual)
 * input timeout passes, so sequential starts cannot succeed. A store that refuses, revokes or
 * cannot be reached fails the segment too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { XmlRpcStruct } from '../../../src/xmlrpc/value.js';
import { allocHex, computer, computersOf, fedAttrOf, startBody, startTestFedd, topology, type TestFedd } from './helpers.js';
import { startExchangeStore, type ExchangeStore } from './exchange-store.js';
import { conformance, wsdlParts } from './xsd.js';

type Param = { name: string; key: string; type: 'input' | 'output' };

function connection(store: string, type: 'ssh' | 'transit', portal: string, params: Param[]): XmlRpcStruct {
  return { type, portal, parameter: params.map((p) => ({ ...p, store })) };
}

/** segments of one experiment across a, b, c: a–b over ssh portals, b–c over a transit VLAN. */
function experiment(store: string, run: string): Record<'a' | 'b' | 'c', XmlRpcStruct> {
  const k = (name: string): string => `${run}/${name}`;
  return {
    a: {
      topo: topology(['lan'], [computer('a1', ['lan']), computer('pa', ['lan'], { portal: 'true' })]),
      connection: [connection(store, 'ssh', 'pa', [
        { name: 'peer', key: k('a-peer'), type: 'output' },
        { name: 'ssh_port', key: k('a-port'), type: 'output' },
        { name: 'peer', key: k('b-peer'), type: 'input' },
      ])],
    },
    b: {
      topo: topology(['lan'], [computer('b1', ['lan']), computer('pb', ['lan'], { portal: 'true' })]),
      connection: [
        connection(store, 'ssh', 'pb', [
          { name: 'peer', key: k('b-peer'), type: 'output' },
          { name: 'peer', key: k('a-peer'), type: 'input' },
          { name: 'ssh_port', key: k('a-port'), type: 'input' },
        ]),
        connection(store, 'transit', 'b1', [{ name: 'vlan_id', key: k('bc-vlan'), type: 'output' }]),
      ],
    },
    c: {
      topo: topology(['lan'], [computer('c1', ['lan'])]),
      connection: [connection(store, 'transit', 'c1', [{ name: 'vlan_id', key: k('bc-vlan'), type: 'input' }])],
    },
  };
}

function startRequest(alloc: XmlRpcStruct, segment: XmlRpcStruct): XmlRpcStruct {
  return startBody(alloc, segment.topo as XmlRpcStruct, { connection: segment.connection as XmlRpcStruct[] });
}

interface Dump {
  allocations: Array<{ allocID: string; status: string; waitingFor: string[]; inputs: Array<{ name: string; value: string }>; outputs: Array<{ name: string; value: string }> }>;
}

async function waitForWaiting(fedd: TestFedd, testbed: string): Promise<Dump['allocations'][number]> {
  for (let i = 0; i < 500; i += 1) {
    const dump = (await fedd.control(testbed, 'converge.sim.fedd.dump')) as unknown as Dump;
    const waiting = dump.allocations.find((a) => a.waitingFor.length > 0);
    if (waiting) return waiting;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no allocation on ${testbed} ever waited for an input`);
}

describe('fedd connection-parameter exchange', () => {
  let fedd: TestFedd;
  let store: ExchangeStore;

  beforeAll(async () => {
    [fedd, store] = await Promise.all([startTestFedd({ testbeds: ['a', 'b', 'c'], policy: { startMs: 50, inputTimeoutMs: 60_000 } }), startExchangeStore()]);
  });
  afterAll(async () => {
    await fedd.close();
    await store.close();
  });

  it('three segments started concurrently exchange their parameters and come up', async () => {
    const segments = experiment(store.url, 'run1');
    const allocs = { a: await fedd.allocate('a'), b: await fedd.allocate('b'), c: await fedd.allocate('c') };
    const names = ['a', 'b', 'c'] as const;
    const replies = await Promise.all(names.map((t) => fedd.ok(t, 'StartSegment', startRequest(allocs[t], segments[t]))));
    for (const reply of replies) expect(computersOf(reply.segmentdescription).every((c) => c.status === 'active')).toBe(true);
    for (const reply of replies) expect(conformance(reply, 'fedd:startSegmentResponseType')).toEqual([]);

    const [a, b, c] = replies.map((r) => computersOf(r.segmentdescription));
    expect(store.values.get('run1/b-peer')).toBe(b?.find((n) => n.name === 'pb')?.localname?.[0]);
    expect(store.values.get('run1/a-peer')).toBe(a?.find((n) => n.name === 'pa')?.localname?.[0]);
    expect(store.values.get('run1/a-port')).toBe('22');
    expect(store.values.get('run1/bc-vlan')).toMatch(/^\d+$/);
    const portalA = ((replies[0]?.segmentdescription as XmlRpcStruct).topdldescription as XmlRpcStruct).elements as XmlRpcStruct[];
    const pa = portalA.map((e) => e.computer as XmlRpcStruct).find((x) => x.name === 'pa') as XmlRpcStruct;
    expect(pa.attribute).toContainEqual({ attribute: 'peer', value: store.values.get('run1/b-peer') });
    expect(c).toHaveLength(1);

    // Every store call was made under the calling segment's allocation certificate.
    const byKey = (key: string) => store.calls.filter((call) => call.name === key).map((call) => call.caller);
    expect(byKey('run1/a-peer')).toContain(allocHex(allocs.a));
    expect(byKey('run1/a-peer')).toContain(allocHex(allocs.b));
    expect(byKey('run1/bc-vlan')).toEqual(expect.arrayContaining([allocHex(allocs.b), allocHex(allocs.c)]));
    const out = fedd.sim.messages.since(0).filter((m) => m.direction === 'out');
    expect(out.map((m) => m.op).sort()).toEqual([...Array<string>(4).fill('GetValue'), ...Array<string>(4).fill('SetValue')]);
    for (const m of out) expect(m.peer).toBe(store.url);

    // Both directions, against the WSDL's parts and the XSDs.
    const parts = wsdlParts();
    const problems = fedd.sim.messages.since(0).flatMap((m) => {
      const request = (m.request as XmlRpcStruct)[`${m.op}RequestBody`];
      const response = m.response ? (m.response as XmlRpcStruct)[`${m.op}ResponseBody`] : undefined;
      return [
        ...conformance(request, parts[`${m.op}RequestBody`] as string, `${m.seq} ${m.direction} ${m.op} request`),
        ...(response ? conformance(response, parts[`${m.op}ResponseBody`] as string, `${m.seq} ${m.op} response`) : []),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('a segment started alone waits for its inputs and fails with Federant Error after the input timeout', async () => {
    await fedd.control('a', 'converge.sim.fedd.setPolicy', { inputTimeoutMs: 300_000 });
    const alloc = await fedd.allocate('a');
    const pending = fedd.call('a', 'StartSegment', startRequest(alloc, experiment(store.url, 'run2').a));
    const waiting = await waitForWaiting(fedd, 'a');
    expect(waiting).toMatchObject({ status: 'starting', waitingFor: ['run2/b-peer'] });
    expect(store.values.get('run2/a-peer')).toBeDefined();
    await fedd.control('a', 'converge.sim.advanceClock', 301);
    const reply = await pending;
    expect(reply).toMatchObject({ ok: false, code: 'Federant Error' });
    expect(!reply.ok && reply.text).toContain('timed out after 300 s waiting for input parameter peer (key run2/b-peer)');
    const info = await fedd.ok('a', 'InfoSegment', { allocID: alloc });
    expect(fedAttrOf(info, 'status')).toBe('failed');
    expect(computersOf(info.segmentdescription).map((c) => c.status)).toEqual(['failed', 'failed']);
  });

  it('a store that refuses the caller fails the segment at once with Federant Error', async () => {
    const alloc = await fedd.allocate('c');
    store.allow = new Set(['0'.repeat(40)]);
    try {
      const fault = await fedd.fault('c', 'StartSegment', startRequest(alloc, experiment(store.url, 'run3').c));
      expect(fault.code).toBe('Federant Error');
      expect(fault.text).toContain('GetValue for input parameter vlan_id (key run3/bc-vlan)');
      expect(fault.text).toContain('Access Denied');
    } finally {
      store.allow = undefined;
    }
  });

  it('a key revoked while a segment waits for it fails the segment', async () => {
    const alloc = await fedd.allocate('c');
    const pending = fedd.call('c', 'StartSegment', startRequest(alloc, experiment(store.url, 'run4').c));
    await waitForWaiting(fedd, 'c');
    store.revoke('run4/bc-vlan');
    const reply = await pending;
    expect(reply).toMatchObject({ ok: false, code: 'Federant Error', text: expect.stringContaining('revoked') });
  });

  it('a store that cannot be reached is retried until the input timeout, then Federant Error', async () => {
    await fedd.control('b', 'converge.sim.fedd.setPolicy', { inputTimeoutMs: 5_000 });
    const alloc = await fedd.allocate('b');
    const pending = fedd.call('b', 'StartSegment', startRequest(alloc, experiment('https://127.0.0.1:1/', 'run5').b));
    await new Promise((r) => setTimeout(r, 100));
    await fedd.control('b', 'converge.sim.advanceClock', 6);
    const reply = await pending;
    expect(reply).toMatchObject({ ok: false, code: 'Federant Error' });
    expect(!reply.ok && reply.text).toMatch(/output parameter peer .* last error: ECONNREFUSED/);
  });
});
