/**
 * The fedd driver against the fedd simulator over HTTPS: an experiment across three testbeds
 * with an ssh-joined and a transit-joined network converges only because converge serves the
 * exchange store and starts the segments together (the simulator fails a segment whose inputs
 * never arrive); changes restart exactly the segments they touch; drift (a failed node, an access
 * controller that forgot its allocations) is repaired; prune releases everything.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningFeddSimulator } from '../../src/backends/fedd/sim/index.js';
import { reconcile } from '../helpers/engine.js';
import { experiment, feddBackend, identityFiles, liveAllocations, recordedAllocations, startCounts, startFedd, writeFiles } from '../helpers/fedd.js';

const IMAGE = 'Ubuntu1804-64-STD';

function threeTestbeds(counts: { a: number; b: number; c: number }, moved = false): string {
  return experiment(
    'trio',
    '  networks:\n' +
      '    - {name: lan}\n' +
      '    - {name: wan, capacity: 100Mbps, latency: 10ms, connection: ssh}\n' +
      '    - {name: core, capacity: 1Gbps, connection: transit}\n' +
      '  systems:\n' +
      `    - {name: alpha, cpu: 1, memory: 1Gi, image: ${IMAGE}, testbed: a, hardware: pc3000, interfaces: [lan, wan]}\n` +
      `    - {name: beta, cpu: 1, memory: 1Gi, image: ${IMAGE}, testbed: b, interfaces: [wan, core]}\n` +
      `    - {name: gamma, cpu: 1, memory: 1Gi, image: ${IMAGE}, testbed: c, startup: /bin/run, interfaces: [core]}\n` +
      `    - {name: delta, cpu: 1, memory: 1Gi, image: ${IMAGE}, testbed: ${moved ? 'c' : 'b'}, interfaces: [core]}\n` +
      `  deploy: {alpha: ${counts.a}, beta: ${counts.b}, gamma: ${counts.c}, delta: 1}\n`,
  );
}

describe('fedd driver across three testbeds', () => {
  let fedd: RunningFeddSimulator;
  let dir = '';
  let pkiDir = '';

  beforeAll(async () => {
    pkiDir = await mkdtemp(join(tmpdir(), 'fedd-pki-'));
  });
  afterEach(async () => fedd?.close());

  async function setUp(limits = ''): Promise<void> {
    fedd = await startFedd(['a', 'b', 'c'], { pkiDir });
    dir = await mkdtemp(join(tmpdir(), 'fedd-driver-'));
    await writeFiles(dir, { ...identityFiles(fedd, fedd.client), 'backend.yaml': feddBackend(fedd, limits), 'trio.yaml': threeTestbeds({ a: 1, b: 1, c: 2 }) });
  }

  function allocationsMatchState(): void {
    const recorded = Object.values(recordedAllocations(dir)).flatMap((a) => Object.values(a)).sort();
    expect(liveAllocations(fedd.sim).map((a) => a.id).sort()).toEqual(recorded);
  }

  it('converges every segment by exchanging connection parameters through its store, even one action at a time', async () => {
    await setUp('  limits: {concurrency: 1, connections: 1}\n');
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    const live = liveAllocations(fedd.sim);
    expect(live.map((a) => [a.testbed, a.status])).toEqual([['a', 'active'], ['b', 'active'], ['c', 'active']]);
    expect(live.find((a) => a.testbed === 'b')!.nodes.sort()).toEqual(['beta-0', 'delta-0', 'portal-wan-a']);
    // Every input a segment waited for arrived through converge's store with the value its peer set.
    const outputs = fedd.sim.testbedNames.flatMap((t) => fedd.sim.dump(t).allocations.flatMap((a) => a.outputs));
    const inputs = fedd.sim.testbedNames.flatMap((t) => fedd.sim.dump(t).allocations.flatMap((a) => a.inputs));
    expect(inputs.map((i) => i.name).sort()).toEqual(['peer', 'peer', 'ssh_port', 'ssh_port', 'vlan_id']);
    for (const input of inputs) expect(outputs.find((o) => o.key === input.key)?.value).toBe(input.value);
    const storeCalls = fedd.sim.messages.since(0).filter((m) => m.direction === 'out');
    expect(new Set(storeCalls.map((m) => m.op))).toEqual(new Set(['SetValue', 'GetValue']));
    expect(storeCalls.every((m) => m.fault === undefined || m.fault.code !== 'Access Denied')).toBe(true);
    allocationsMatchState();
    const again = await reconcile(dir);
    expect(again.mutatingCalls).toBe(0);
  });

  it('restarts only the segment a change touches, exactly two when a system moves; scales to nothing; releases all on prune', async () => {
    await setUp();
    expect((await reconcile(dir)).outcome).toBe('converged');
    const ids = liveAllocations(fedd.sim).map((a) => a.id).sort();

    let since = fedd.sim.messages.lastSeq;
    await writeFiles(dir, { 'trio.yaml': threeTestbeds({ a: 1, b: 1, c: 3 }) });
    expect((await reconcile(dir)).outcome).toBe('converged');
    expect(startCounts(fedd.sim, since)).toEqual({ c: 1 });
    expect(liveAllocations(fedd.sim).find((a) => a.testbed === 'c')!.nodes.sort()).toEqual(['gamma-0', 'gamma-1', 'gamma-2']);

    since = fedd.sim.messages.lastSeq;
    await writeFiles(dir, { 'trio.yaml': threeTestbeds({ a: 1, b: 1, c: 3 }, true) });
    expect((await reconcile(dir)).outcome).toBe('converged');
    expect(startCounts(fedd.sim, since)).toEqual({ b: 1, c: 1 });
    expect(liveAllocations(fedd.sim).find((a) => a.testbed === 'c')!.nodes).toContain('delta-0');
    expect(liveAllocations(fedd.sim).map((a) => a.id).sort()).toEqual(ids);
    allocationsMatchState();

    await writeFiles(dir, { 'trio.yaml': threeTestbeds({ a: 0, b: 0, c: 0 }).replace('delta: 1', 'delta: 0') });
    expect((await reconcile(dir)).outcome).toBe('converged');
    expect(liveAllocations(fedd.sim)).toEqual([]);
    expect((await reconcile(dir)).mutatingCalls).toBe(0);

    await writeFiles(dir, { 'trio.yaml': threeTestbeds({ a: 1, b: 1, c: 1 }) });
    expect((await reconcile(dir)).outcome).toBe('converged');
    await writeFiles(dir, { 'trio.yaml': '# removed\n' });
    expect((await reconcile(dir, { prune: true })).outcome).toBe('converged');
    expect(liveAllocations(fedd.sim)).toEqual([]);
    expect(recordedAllocations(dir)).toEqual({});
  });

  it('repairs a node failed after start and an access controller restarted without its allocations', async () => {
    await setUp();
    expect((await reconcile(dir)).outcome).toBe('converged');
    const b = liveAllocations(fedd.sim).find((a) => a.testbed === 'b')!;
    fedd.sim.controller('b').setNodeStatus(b.id, 'beta-0', 'failed');
    let since = fedd.sim.messages.lastSeq;
    expect((await reconcile(dir)).outcome).toBe('converged');
    expect(startCounts(fedd.sim, since)).toEqual({ b: 1 });
    expect(liveAllocations(fedd.sim).find((a) => a.testbed === 'b')!.status).toBe('active');

    const before = liveAllocations(fedd.sim).find((a) => a.testbed === 'c')!.id;
    await fedd.restart('c', { forgetAllocations: true });
    since = fedd.sim.messages.lastSeq;
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    expect(report.calls.RequestAccess).toBe(1);
    expect(startCounts(fedd.sim, since)).toEqual({ c: 1 });
    const after = liveAllocations(fedd.sim).find((a) => a.testbed === 'c')!;
    expect([after.status, after.id === before]).toEqual(['active', false]);
    allocationsMatchState();
  });

  it('under a certificate no testbed authorizes: UNAUTHORIZED, nothing created', async () => {
    await setUp();
    const intruder = await fedd.sim.pki.issueClient('intruder');
    await writeFiles(dir, { 'converge.pem': intruder.certPem, 'converge.key': intruder.keyPem });
    const report = await reconcile(dir, { waitMs: 5_000 });
    expect(report.outcome).toBe('partial');
    expect(report.objects.find((o) => o.key === 'Infrastructure/trio')).toMatchObject({ result: 'failed', code: 'FEDD_ACCESS_DENIED' });
    expect(liveAllocations(fedd.sim)).toEqual([]);
  });
});
