/**
 * Persistence: a simulator restarted on the same state file keeps its CA, certificates,
 * policies, allocations and virtual time; a start that was in flight when it stopped comes back
 * failed; keys live only in the PKI directory (mode 0600), never in the state file.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computer, computersOf, fedAttrOf, startBody, startTestFedd, topology, type TestFedd } from './helpers.js';

describe('fedd simulator persistence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fedd-persist-'));
  const persistPath = join(dir, 'fedd.json');
  let second: TestFedd | undefined;

  afterAll(async () => {
    await second?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('comes back with the same PKI, policies, allocations and time', async () => {
    const first = await startTestFedd({ testbeds: ['a', 'b'], persistPath });
    const active = await first.allocate('a');
    const started = await first.ok('a', 'StartSegment', startBody(active, topology([], [computer('n1'), computer('n2')])));
    await first.control('a', 'converge.sim.fedd.setPolicy', { nodeQuota: 7 });
    await first.control('b', 'converge.sim.fedd.stickNextStart');
    const starting = await first.allocate('b');
    const pending = first.call('b', 'StartSegment', startBody(starting, topology([], [computer('m1')]))).catch(() => undefined);
    await first.control('a', 'converge.sim.advanceClock', 3600);
    const savedNow = first.sim.clock.now();
    const before = { ca: first.ca.certPem, client: first.client.fedid.toString('hex'), fedids: first.testbeds.map((t) => t.fedid) };
    await first.close();
    await pending;

    second = await startTestFedd({ testbeds: ['a', 'b'], persistPath });
    expect(second.ca.certPem).toBe(before.ca);
    expect(second.client.fedid.toString('hex')).toBe(before.client);
    expect(second.testbeds.map((t) => t.fedid)).toEqual(before.fedids);
    expect(second.sim.clock.now()).toBeGreaterThanOrEqual(savedNow);
    expect(second.sim.dump('a').policy.nodeQuota).toBe(7);

    const info = await second.ok('a', 'InfoSegment', { allocID: active });
    expect(fedAttrOf(info, 'status')).toBe('active');
    expect(computersOf(info.segmentdescription)).toEqual(computersOf(started.segmentdescription));
    const interrupted = await second.ok('b', 'InfoSegment', { allocID: starting });
    expect(fedAttrOf(interrupted, 'status')).toBe('failed');
    await second.ok('a', 'TerminateSegment', { allocID: active });
    await second.ok('a', 'ReleaseAccess', { allocID: active });
  });

  it('keeps keys out of the state file, in 0600 files of the PKI directory', () => {
    const state = readFileSync(persistPath, 'utf8');
    expect(state).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    const pki = `${persistPath}.pki`;
    const keys = [...readdirSync(pki).filter((f) => f.endsWith('.key')).map((f) => join(pki, f)), ...readdirSync(join(pki, 'allocations')).map((f) => join(pki, 'allocations', f)).filter((f) => f.endsWith('.key'))];
    expect(keys.length).toBeGreaterThanOrEqual(5);
    for (const key of keys) expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(readdirSync(pki).sort()).toEqual(['allocations', 'ca.key', 'ca.pem', 'converge.key', 'converge.pem', 'testbed-a.key', 'testbed-a.pem', 'testbed-b.key', 'testbed-b.pem']);
  });
});
