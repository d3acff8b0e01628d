/**
 * The allocation state machine over real sockets (fedd.md §4, §6.2–6.7): RequestAccess with
 * meta-service expansion, StartSegment with live statuses and DNS names, InfoSegment,
 * OperationSegment, TerminateSegment (re-startable), ReleaseAccess, calls on a gone allocation,
 * topdl consistency, node quota and allowed images. Every message of the run is then checked
 * against fedd's XSDs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { XmlRpcStruct } from '../../../src/xmlrpc/value.js';
import { computer, computersOf, fedAttrOf, startBody, startTestFedd, topology, type TestFedd } from './helpers.js';
import { conformance, wsdlParts } from './xsd.js';

describe('fedd allocation lifecycle', () => {
  let fedd: TestFedd;

  beforeAll(async () => {
    fedd = await startTestFedd({ testbeds: ['a'], policy: { startMs: 0, nodeQuota: 4 } });
  });
  afterAll(() => fedd.close());

  const twoNodes = topology(['link0'], [computer('n1', ['link0']), computer('n2', ['link0'])]);

  it('RequestAccess expands project_export into SMB and userconf with the same id', async () => {
    const body = await fedd.ok('a', 'RequestAccess', {
      credential: ['user:alice', 'project:converge'],
      service: [{ id: '0001', name: 'project_export', visibility: 'export', fedAttr: [{ attribute: 'project', value: 'converge' }] }],
    });
    expect(body.service).toEqual([
      { id: '0001', name: 'SMB', visibility: 'export', fedAttr: [{ attribute: 'project', value: 'converge' }] },
      { id: '0001', name: 'userconf', visibility: 'export', fedAttr: [{ attribute: 'project', value: 'converge' }] },
    ]);
    expect(fedAttrOf(body, 'domain')).toBe('a.fedd.sim');
  });

  it('runs allocated → starting → active → empty → active → empty → gone', async () => {
    const allocID = await fedd.allocate('a');
    const info0 = await fedd.ok('a', 'InfoSegment', { allocID });
    expect(info0.segmentdescription).toBeUndefined();
    expect(fedAttrOf(info0, 'status')).toBe('empty');

    const started = await fedd.ok('a', 'StartSegment', startBody(allocID, twoNodes));
    expect(computersOf(started.segmentdescription).map((c) => c.status)).toEqual(['active', 'active']);
    const [n1] = computersOf(started.segmentdescription);
    expect(n1?.localname?.[0]).toMatch(/^n1\.fedd-[0-9a-f]{8}\.converge\.a\.fedd\.sim$/);
    expect(String(started.allocationLog)).toContain('segment active');

    const shut = await fedd.ok('a', 'OperationSegment', { allocID, operation: 'Shutdown', target: ['n2', 'nope'] });
    expect(shut.status).toEqual([
      { target: 'n2', code: 0, description: 'n2 shut down' },
      { target: 'nope', code: 7, description: 'no such target: nope' },
    ]);
    const info1 = await fedd.ok('a', 'InfoSegment', { allocID });
    expect(computersOf(info1.segmentdescription).map((c) => `${c.name}:${c.status}`)).toEqual(['n1:active', 'n2:inactive']);

    const again = await fedd.fault('a', 'StartSegment', startBody(allocID, twoNodes));
    expect(again.code).toBe('Badly Formed Request');
    const early = await fedd.fault('a', 'ReleaseAccess', { allocID });
    expect(early).toMatchObject({ code: 'Badly Formed Request', text: expect.stringContaining('TerminateSegment it before ReleaseAccess') });

    const terminated = await fedd.ok('a', 'TerminateSegment', { allocID });
    expect(String(terminated.deallocationLog)).toContain('released pc');
    expect(fedAttrOf(await fedd.ok('a', 'InfoSegment', { allocID }), 'status')).toBe('empty');

    await fedd.ok('a', 'StartSegment', startBody(allocID, twoNodes));
    await fedd.ok('a', 'TerminateSegment', { allocID, force: false });
    await fedd.ok('a', 'ReleaseAccess', { allocID });

    for (const op of ['InfoSegment', 'TerminateSegment', 'ReleaseAccess', 'StartSegment']) {
      const body = op === 'StartSegment' ? startBody(allocID, twoNodes) : { allocID };
      expect(await fedd.fault('a', op, body)).toMatchObject({ code: 'Badly Formed Request', text: expect.stringMatching(/^No such allocation: fedid:[0-9a-f]{40}$/) });
    }
  });

  const consistency: Array<{ reason: string; topo: XmlRpcStruct; text: string }> = [
    { reason: 'two substrates with one name', topo: topology(['l', 'l'], [computer('n1', ['l'])]), text: 'Duplicate substrate name l' },
    { reason: 'an interface on a substrate that does not exist', topo: topology(['l'], [computer('n1', ['m'])]), text: 'No such substrate for m' },
    { reason: 'two computers with one name', topo: topology(['l'], [computer('n1', ['l']), computer('n1', ['l'])]), text: 'Duplicate element name n1' },
  ];

  it.each(consistency)('refuses $reason as Badly Formed Request, allocation unchanged', async ({ topo, text }) => {
    const allocID = await fedd.allocate('a');
    expect(await fedd.fault('a', 'StartSegment', startBody(allocID, topo))).toEqual({ code: 'Badly Formed Request', text });
    expect(fedAttrOf(await fedd.ok('a', 'InfoSegment', { allocID }), 'status')).toBe('empty');
    await fedd.ok('a', 'ReleaseAccess', { allocID });
  });

  it('refuses an image or a node type the testbed does not have with Federant Error', async () => {
    const allocID = await fedd.allocate('a');
    const image = topology([], [{ computer: { name: 'n1', os: [{ name: 'Linux', attribute: [{ attribute: 'osid', value: 'Windows95' }] }] } }]);
    const imageFault = await fedd.fault('a', 'StartSegment', startBody(allocID, image));
    expect(imageFault.code).toBe('Federant Error');
    expect(imageFault.text).toContain('image Windows95');
    expect(fedAttrOf(await fedd.ok('a', 'InfoSegment', { allocID }), 'status')).toBe('failed');
    const hardware = topology([], [computer('n1', [], { type: 'cray' })]);
    expect((await fedd.fault('a', 'StartSegment', startBody(allocID, hardware))).text).toContain('node type cray');
    const fine = topology([], [{ computer: { name: 'n1', os: [{ attribute: [{ attribute: 'osid', value: 'Ubuntu1804-64-STD' }] }], attribute: [{ attribute: 'type', value: 'pc3000' }] } }]);
    await fedd.ok('a', 'StartSegment', startBody(allocID, fine));
    await fedd.ok('a', 'TerminateSegment', { allocID });
    await fedd.ok('a', 'ReleaseAccess', { allocID });
  });

  it('enforces the node quota across allocations with Partial Embedding', async () => {
    const first = await fedd.allocate('a');
    const second = await fedd.allocate('a');
    const three = topology([], [computer('x1'), computer('x2'), computer('x3')]);
    await fedd.ok('a', 'StartSegment', startBody(first, three));
    const over = await fedd.fault('a', 'StartSegment', startBody(second, topology([], [computer('y1'), computer('y2')])));
    expect(over).toEqual({ code: 'Partial Embedding', text: 'Only 1 of the 2 nodes requested are available on a (quota 4 nodes)' });
    await fedd.ok('a', 'StartSegment', startBody(second, topology([], [computer('y1')])));
    await fedd.ok('a', 'TerminateSegment', { allocID: first });
    await fedd.ok('a', 'TerminateSegment', { allocID: second });
    await fedd.ok('a', 'StartSegment', startBody(second, topology([], [computer('y1'), computer('y2'), computer('y3'), computer('y4')])));
  });

  it('every message of the run conforms to fedd_types.xsd and topdl.xsd', () => {
    const parts = wsdlParts();
    const messages = fedd.sim.messages.since(0);
    expect(messages.length).toBeGreaterThan(30);
    const problems: string[] = [];
    for (const m of messages) {
      const request = (m.request as XmlRpcStruct)[`${m.op}RequestBody`] as XmlRpcStruct;
      if (!m.fault) problems.push(...conformance(request, parts[`${m.op}RequestBody`] as string, `${m.seq} ${m.op} request`));
      if (m.response) {
        const body = (m.response as XmlRpcStruct)[`${m.op}ResponseBody`] as XmlRpcStruct;
        problems.push(...conformance(body, parts[`${m.op}ResponseBody`] as string, `${m.seq} ${m.op} response`));
      }
      if (m.fault) expect(['Access Denied', 'Badly Formed Request', 'Partial Embedding', 'Federant Error']).toContain(m.fault.code);
    }
    expect(problems).toEqual([]);
  });
});
