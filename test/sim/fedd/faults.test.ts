/**
 * Fault knobs (fedd.md §6.5): any fedd code on any operation, a start stuck in `starting` until
 * forced off, partial failure (fatal and nonfatal nodes), nodes failing or vanishing after start
 * (seen in InfoSegment), and restarts of one access controller with and without its allocations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { XmlRpcStruct } from '../../../src/xmlrpc/value.js';
import { fedidText } from '../../../src/backends/fedd/sim/index.js';
import { allocHex, computer, computersOf, fedAttrOf, startBody, startTestFedd, topology, type TestFedd } from './helpers.js';

const threeNodes = topology(['l'], [computer('n1', ['l']), computer('n2', ['l']), computer('n3', ['l'], { failureaction: 'nonfatal' })]);

async function waitForStatus(fedd: TestFedd, allocID: XmlRpcStruct, status: string, testbed = 'a'): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (fedAttrOf(await fedd.ok(testbed, 'InfoSegment', { allocID }), 'status') === status) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`allocation never became ${status}`);
}

describe('fedd fault knobs', () => {
  let fedd: TestFedd;

  beforeAll(async () => {
    fedd = await startTestFedd({ testbeds: ['a', 'b'] });
  });
  afterAll(() => fedd.close());

  it('fails the next call of one operation on one testbed with any fedd code, without running it', async () => {
    await fedd.control('a', 'converge.sim.injectFault', { method: 'RequestAccess', mode: 'fault', faultCode: 'Server Configuration Error', faultString: 'access DB unreadable' });
    expect(await fedd.fault('a', 'RequestAccess', {})).toEqual({ code: 'Server Configuration Error', text: 'access DB unreadable' });
    expect(((await fedd.control('a', 'converge.sim.fedd.dump')) as { allocations: unknown[] }).allocations).toHaveLength(0);
    expect((await fedd.call('b', 'RequestAccess', {})).ok).toBe(true);
    expect((await fedd.call('a', 'RequestAccess', {})).ok).toBe(true);
  });

  it('keeps a start stuck in `starting`: TerminateSegment is refused without force and stops it with force', async () => {
    await fedd.control('a', 'converge.sim.fedd.stickNextStart');
    const allocID = await fedd.allocate('a');
    const pending = fedd.call('a', 'StartSegment', startBody(allocID, threeNodes));
    await waitForStatus(fedd, allocID, 'starting');
    const info = await fedd.ok('a', 'InfoSegment', { allocID });
    expect(computersOf(info.segmentdescription).map((c) => c.status)).toEqual(['starting', 'starting', 'starting']);
    expect(await fedd.fault('a', 'TerminateSegment', { allocID })).toMatchObject({ code: 'Federant Error', text: expect.stringContaining('is starting') });
    expect((await fedd.fault('a', 'ReleaseAccess', { allocID })).code).toBe('Badly Formed Request');
    const forced = await fedd.ok('a', 'TerminateSegment', { allocID, force: true });
    expect(String(forced.deallocationLog)).toContain('stopped (force)');
    expect(await pending).toMatchObject({ ok: false, code: 'Federant Error', text: expect.stringContaining('was stopped') });
    expect(fedAttrOf(await fedd.ok('a', 'InfoSegment', { allocID }), 'status')).toBe('empty');
    await fedd.ok('a', 'StartSegment', startBody(allocID, threeNodes));
  });

  it('fails a start partially: a fatal node fails the segment with Partial Embedding (or the code asked for)', async () => {
    await fedd.control('a', 'converge.sim.fedd.failNextStart', { nodes: ['n2'] });
    const allocID = await fedd.allocate('a');
    expect(await fedd.fault('a', 'StartSegment', startBody(allocID, threeNodes))).toMatchObject({ code: 'Partial Embedding', text: expect.stringContaining('node(s) n2') });
    const info = await fedd.ok('a', 'InfoSegment', { allocID });
    expect(fedAttrOf(info, 'status')).toBe('failed');
    expect(computersOf(info.segmentdescription).map((c) => c.status)).toEqual(['failed', 'failed', 'failed']);
    await fedd.control('a', 'converge.sim.fedd.failNextStart', { count: 1, code: 'Federant Error' });
    expect((await fedd.fault('a', 'StartSegment', startBody(allocID, threeNodes))).code).toBe('Federant Error');
  });

  it('lets a nonfatal node fail alone: the segment is active with that node failed', async () => {
    await fedd.control('a', 'converge.sim.fedd.failNextStart', { nodes: ['n3'] });
    const allocID = await fedd.allocate('a');
    const started = await fedd.ok('a', 'StartSegment', startBody(allocID, threeNodes));
    expect(computersOf(started.segmentdescription).map((c) => `${c.name}:${c.status}`)).toEqual(['n1:active', 'n2:active', 'n3:failed']);
    expect(String(started.allocationLog)).toContain('nonfatal node(s) failed: n3');
  });

  it('shows nodes failing or vanishing after start in InfoSegment', async () => {
    const allocID = await fedd.allocate('a');
    await fedd.ok('a', 'StartSegment', startBody(allocID, threeNodes));
    await fedd.control('a', 'converge.sim.fedd.setNodeStatus', fedidText(allocHex(allocID)), 'n1', 'failed');
    await fedd.control('a', 'converge.sim.fedd.setNodeStatus', allocHex(allocID), 'n2', 'missing');
    const info = await fedd.ok('a', 'InfoSegment', { allocID });
    expect(fedAttrOf(info, 'status')).toBe('active');
    expect(computersOf(info.segmentdescription).map((c) => `${c.name}:${c.status}`)).toEqual(['n1:failed', 'n3:active']);
  });

  it('restarts an access controller: allocations survive, starts in flight fail; with forget, allocations are gone', async () => {
    const active = await fedd.allocate('b');
    await fedd.ok('b', 'StartSegment', startBody(active, topology([], [computer('m1')])));
    await fedd.control('b', 'converge.sim.fedd.stickNextStart');
    const starting = await fedd.allocate('b');
    const pending = fedd.call('b', 'StartSegment', startBody(starting, topology([], [computer('m2')])));
    await waitForStatus(fedd, starting, 'starting', 'b');
    const port = fedd.testbeds.find((t) => t.name === 'b')?.port;
    await fedd.restart('b');
    await expect(pending).rejects.toThrow();
    expect(fedd.testbeds.find((t) => t.name === 'b')?.port).toBe(port);
    expect(fedAttrOf(await fedd.ok('b', 'InfoSegment', { allocID: active }), 'status')).toBe('active');
    expect(fedAttrOf(await fedd.ok('b', 'InfoSegment', { allocID: starting }), 'status')).toBe('failed');

    await fedd.control('b', 'converge.sim.fedd.restart', { forgetAllocations: true });
    let fault: { code: unknown; text: string } | undefined;
    for (let i = 0; i < 200 && !fault; i += 1) {
      await new Promise((r) => setTimeout(r, 20));
      const reply = await fedd.call('b', 'InfoSegment', { allocID: active }).catch(() => undefined);
      if (reply && !reply.ok) fault = { code: reply.code, text: reply.text };
    }
    expect(fault).toEqual({ code: 'Badly Formed Request', text: `No such allocation: ${fedidText(allocHex(active))}` });
    expect((await fedd.fault('b', 'ReleaseAccess', { allocID: active })).code).toBe('Badly Formed Request');
    expect(fedd.sim.pki.allocationIdentity(allocHex(active))).toBeUndefined();
  });

  it('keeps no key material in its call log', async () => {
    const log = JSON.stringify([...fedd.sim.knobs('a').log.since(0), ...fedd.sim.knobs('b').log.since(0), ...fedd.sim.messages.since(0)]);
    expect(log).not.toContain('PRIVATE KEY');
    expect(log).toContain('StartSegment');
  });
});
