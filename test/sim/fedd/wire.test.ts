/**
 * The wire format against fedd's real interface definitions: the simulator's schema table equals
 * the vendored XSDs, the envelope (`<Op>RequestBody`, string fault codes, int 100 for unknown
 * methods, "Client" for unparseable bodies), and requests that break the schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCall } from '../../../src/xmlrpc/codec.js';
import type { XmlRpcStruct, XmlRpcValue } from '../../../src/xmlrpc/value.js';
import { FEDD_SCHEMA, OPERATION_TYPES } from '../../../src/backends/fedd/sim/index.js';
import { FEDD_XSD, conformance, wsdlParts } from './xsd.js';
import { computer, postXml, startBody, startTestFedd, topology, type TestFedd } from './helpers.js';

describe('the simulator schema is fedd_types.xsd and topdl.xsd', () => {
  it.each(Object.keys(FEDD_SCHEMA))('%s matches the XSD', (name) => {
    expect(FEDD_SCHEMA[name]).toEqual(FEDD_XSD[name]);
  });

  it('names the WSDL message parts of every operation it serves or calls', () => {
    const parts = wsdlParts();
    for (const [op, types] of Object.entries(OPERATION_TYPES)) {
      expect(parts[`${op}RequestBody`], op).toBe(types.request);
      expect(parts[`${op}ResponseBody`], op).toBe(types.response);
    }
  });

  it('the XSD checker can fail: a scalar where the XSD has a list is caught', () => {
    expect(conformance({ allocID: { fedid: Buffer.alloc(20) }, target: 'a', operation: 'x' }, 'fedd:operationSegmentRequestType')).toEqual([
      '$.target: not an array',
    ]);
  });
});

describe('fedd XML-RPC envelope', () => {
  let fedd: TestFedd;
  let alloc: XmlRpcStruct;

  beforeAll(async () => {
    fedd = await startTestFedd();
    alloc = await fedd.allocate('a');
  });
  afterAll(() => fedd.close());

  it('wraps every response in <Op>ResponseBody and sends fedids as 20-byte base64', async () => {
    const reply = await fedd.call('a', 'InfoSegment', { allocID: alloc });
    expect(reply.ok).toBe(true);
    const body = (reply as { value: XmlRpcStruct }).value.InfoSegmentResponseBody as XmlRpcStruct;
    expect(((body.allocID as XmlRpcStruct).fedid as Buffer).length).toBe(20);
    expect(conformance(body, 'fedd:infoSegmentResponseType')).toEqual([]);
  });

  it('accepts a request body that is not wrapped, as fedd helpers do', async () => {
    const xml = encodeCall('InfoSegment', [{ allocID: alloc }]);
    const reply = await postXml(fedd.url('a'), xml, fedd.client, fedd.ca.certPem);
    expect(reply.ok && Object.keys(reply.value as XmlRpcStruct)).toEqual(['InfoSegmentResponseBody']);
  });

  it('answers an unknown method (an experiment-controller one too) with int fault 100', async () => {
    expect(await fedd.fault('a', 'Create', {})).toEqual({ code: 100, text: 'Unknown method: Create' });
    expect(await fedd.fault('a', 'SetValue', { name: 'k', value: 'v' })).toEqual({ code: 100, text: 'Unknown method: SetValue' });
  });

  it('answers a body that is not XML-RPC with Fault("Client", "Malformed request")', async () => {
    const reply = await postXml(fedd.url('a'), '<methodCall><methodName>InfoSegment', fedd.client, fedd.ca.certPem);
    expect(reply).toEqual({ ok: false, code: 'Client', text: 'Malformed request' });
  });

  it('sends injected faults with fedd string codes', async () => {
    await fedd.control('a', 'converge.sim.injectFault', { method: 'InfoSegment', mode: 'fault', faultCode: 'Connection Error', faultString: 'injected' });
    expect(await fedd.fault('a', 'InfoSegment', { allocID: alloc })).toEqual({ code: 'Connection Error', text: 'injected' });
    expect((await fedd.call('a', 'InfoSegment', { allocID: alloc })).ok).toBe(true);
  });
});

describe('requests that break the schema are Badly Formed Request', () => {
  let fedd: TestFedd;
  let alloc: XmlRpcStruct;

  beforeAll(async () => {
    fedd = await startTestFedd();
    alloc = await fedd.allocate('a');
  });
  afterAll(() => fedd.close());

  const topo = topology(['l'], [computer('n1', ['l'])]);
  const rows: Array<{ reason: string; op: string; body: () => XmlRpcStruct; text: RegExp }> = [
    { reason: 'a list element sent as a scalar', op: 'RequestAccess', body: () => ({ credential: 'project:converge' }), text: /credential: expected an array/ },
    { reason: 'a member the XSD does not have', op: 'InfoSegment', body: () => ({ allocID: alloc, verbose: true }), text: /unexpected member verbose/ },
    { reason: 'a required element missing', op: 'StartSegment', body: () => ({ allocID: alloc }), text: /missing segmentdescription/ },
    { reason: 'a fedid that is not 20 bytes', op: 'InfoSegment', body: () => ({ allocID: { fedid: Buffer.alloc(16) } }), text: /20 bytes/ },
    { reason: 'an allocID that is a localname', op: 'InfoSegment', body: () => ({ allocID: { localname: 'x' } }), text: /allocID must be a fedid/ },
    { reason: 'an ID with two members (IDType is a choice)', op: 'InfoSegment', body: () => ({ allocID: { fedid: Buffer.alloc(20), localname: 'x' } }), text: /exactly one of/ },
    { reason: 'a boolean sent as a string', op: 'TerminateSegment', body: () => ({ allocID: alloc, force: 'true' }), text: /force: expected a boolean/ },
    { reason: 'a topdl interface without its substrate list', op: 'StartSegment', body: () => startBody(alloc, topology([], [{ computer: { name: 'n', interface: [{ name: 'inf000' }] } }])), text: /missing substrate/ },
    { reason: 'an element that is not one of computer/testbed/segment/other', op: 'StartSegment', body: () => startBody(alloc, topology([], [{ router: { name: 'r' } }])), text: /unexpected member router/ },
    { reason: 'a capacity kind outside the enumeration', op: 'StartSegment', body: () => startBody(alloc, { version: '1.0', substrates: [{ name: 'l', capacity: { rate: 1, kind: 'peak' } }] }), text: /not one of max, average/ },
    { reason: 'a connection parameter type outside input/output', op: 'StartSegment', body: () => startBody(alloc, topo, { connection: [{ type: 'ssh', parameter: [{ name: 'peer', key: 'k', store: 'https://127.0.0.1:1', type: 'both' }] }] }), text: /not one of input, output/ },
    { reason: 'a service without visibility', op: 'RequestAccess', body: () => ({ service: [{ name: 'SMB' }] }), text: /missing visibility/ },
  ];

  it.each(rows)('$reason', async ({ op, body, text }) => {
    const fault = await fedd.fault('a', op, body());
    expect(fault.code).toBe('Badly Formed Request');
    expect(fault.text).toMatch(text);
  });

  it('refuses more than one parameter and nil', async () => {
    const two = await postXml(fedd.url('a'), encodeCall('InfoSegment', [{ allocID: alloc }, 1]), fedd.client, fedd.ca.certPem);
    expect(two).toMatchObject({ ok: false, code: 'Badly Formed Request' });
    const nil = await postXml(fedd.url('a'), encodeCall('InfoSegment', [{ allocID: alloc, extra: null as unknown as XmlRpcValue }]), fedd.client, fedd.ca.certPem);
    expect(nil).toMatchObject({ ok: false, code: 'Badly Formed Request' });
  });

  it('left the allocation untouched', async () => {
    const dump = (await fedd.control('a', 'converge.sim.fedd.dump')) as { allocations: Array<{ status: string }> };
    expect(dump.allocations.map((a) => a.status)).toEqual(['empty']);
  });
});
