/**
 * The delegated path end to end through a real OpenSSH sshd (test/helpers/sshd.ts): the driver
 * runs the OpenSSH client with a real key, verifies each node's host key, and the forced command
 * relays one methodCall to the node's Node Manager simulator as the controller slice.
 *
 * One PlanetLab (PLC and two nodes) on a clock the test moves; nodes poll only when told to, so
 * "before the node's poll" is a state the test holds: 102 (the node does not know the slice
 * yet) and 108 (it does not know the new controller yet) are progressing, not failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent } from '../../src/engine/events.js';
import { SimClock } from '../../src/xmlrpc/sim/clock.js';
import { SimKnobs } from '../../src/xmlrpc/sim/knobs.js';
import { startPlanetLabSimulator, type RunningPlanetLabSimulator } from '../../src/backends/planetlab/sim/index.js';
import { assertBuilt } from '../helpers/cli.js';
import { backendYaml, explain, liveSlices, plcDump, runEngine, sliceYaml, writeManifests } from '../helpers/planetlab.js';
import { sshdAvailable, startSshd, type TestSshd } from '../helpers/sshd.js';

const NODES = ['node1.princeton.test', 'node2.upmc.test'];

describe.skipIf(!sshdAvailable())('delegated slivers through a real sshd', () => {
  let server: RunningPlanetLabSimulator;
  let sshd: TestSshd;
  let clock: SimClock;
  let dir: string;

  beforeAll(async () => {
    assertBuilt();
    clock = new SimClock();
    server = await startPlanetLabSimulator({ knobs: new SimKnobs({ clock }), nodes: 2 });
    sshd = await startSshd(server.nodes.map((n) => ({ hostname: n.hostname, nmUrl: n.url })), ['princeton_ctl', 'princeton_ctl2', 'princeton_hk']);
    dir = await writeManifests({});
  });
  afterAll(async () => {
    await sshd?.close();
    await server?.close();
  });

  const backend = (controller: string, knownHosts = sshd.knownHostsFile): string =>
    backendYaml(server.url, `  ssh:\n    privateKey: {fromFile: ${sshd.keyFile(controller)}}\n    knownHosts: {fromFile: ${knownHosts}}\n    configFile: ${sshd.configFile}\n    user: root\n`);
  const controllerSlice = (meta: string, name: string) => sliceYaml(meta, name, { instantiation: 'nm-controller', persons: ['pi@princeton.test'] });
  const experiment = (controller: string, slivers: string, name = 'princeton_exp') => sliceYaml('exp', name, { instantiation: 'delegated', controller, nodes: NODES, slivers });
  const write = (files: Record<string, string>) => writeManifests(files, dir);
  const sliver = (host: string, name = 'princeton_exp') => server.sim.node(host)!.account(name);

  /** pollWhenWaiting lets the nodes poll PLC once the run waits on a sliver for `fault` (102 / 108). */
  const pollWhenWaiting = (fault: string) => {
    const seen: string[] = [];
    return {
      seen,
      onEvent: (event: RunEvent) => {
        if (event.type !== 'waiting' || seen.length > 0) return;
        const lagging = event.objects.filter((o) => o.phase === 'progressing' && o.message?.includes(`NM fault ${fault}`));
        if (lagging.length < NODES.length) return;
        seen.push(...lagging.map((o) => o.key));
        server.sim.pollAll();
      },
    };
  };

  it('redeems the ticket on each node, starts and stops slivers, waits out NM lag, and prunes', async () => {
    await write({ 'backend.yaml': backend('princeton_ctl'), 'slices.yaml': [controllerSlice('ctl', 'princeton_ctl'), experiment('princeton_ctl', 'running')].join('---\n') });

    // Until the nodes poll, PLC has the slice and they do not (NM 102): progressing, no Ticket yet.
    const unknownSlice = pollWhenWaiting('102');
    const started = await runEngine(dir, { clock, waitMs: 60_000, onEvent: unknownSlice.onEvent });
    expect(unknownSlice.seen.sort()).toEqual(NODES.map((n) => `Slice/exp/sliver/${n}`));
    expect(started.outcome, explain(started)).toBe('converged');
    expect(started.calls.Ticket).toBe(2);
    for (const node of NODES) {
      expect(sliver(node)).toMatchObject({ kind: 'sliver', running: true });
      expect(server.sim.node(node)!.knobs.log.countByMethod().Ticket).toBe(1);
    }

    // A new controller, and the slivers stopped: PLC's delegations tag changes at once, the nodes
    // learn it at their poll (NM 108 until then).
    await write({ 'backend.yaml': backend('princeton_ctl2'), 'slices.yaml': [controllerSlice('ctl', 'princeton_ctl'), controllerSlice('ctl2', 'princeton_ctl2'), experiment('princeton_ctl2', 'stopped')].join('---\n') });
    const unknownDelegation = pollWhenWaiting('108');
    const stopped = await runEngine(dir, { clock, waitMs: 60_000, onEvent: unknownDelegation.onEvent });
    expect(unknownDelegation.seen.sort()).toEqual(NODES.map((n) => `Slice/exp/sliver/${n}`));
    expect(stopped.outcome, explain(stopped)).toBe('converged');
    expect(stopped.calls.Stop).toBe(2);
    for (const node of NODES) expect(sliver(node)).toMatchObject({ running: false });

    await write({ 'slices.yaml': [controllerSlice('ctl', 'princeton_ctl'), controllerSlice('ctl2', 'princeton_ctl2')].join('---\n') });
    const pruned = await runEngine(dir, { clock, waitMs: 60_000, prune: true });
    expect(pruned.outcome, explain(pruned)).toBe('converged');
    expect(pruned.calls).toMatchObject({ Destroy: 2, DeleteSlice: 1 });
    expect(pruned.mutatingCalls).toBe(3);
    for (const node of NODES) expect(sliver(node)).toBeUndefined();
    expect(liveSlices(await plcDump(server.url), clock.now()).map((s) => s.name).sort()).toEqual(['princeton_ctl', 'princeton_ctl2']);
  }, 150_000);

  it('refuses to connect to a node whose host key does not match, says so, and goes on with the others', async () => {
    const hostKeys = (await readFile(sshd.knownHostsFile, 'utf8')).split('\n').filter((l) => l.startsWith(`${NODES[1]} `));
    const knownHosts = join(sshd.dir, 'known_hosts.wrong');
    await writeFile(knownHosts, `${[await sshd.otherHostKeyLine(NODES[0]!), ...hostKeys].join('\n')}\n`);
    // The key comes from the environment this time (written to a private temporary file).
    process.env.CONVERGE_TEST_PLANETLAB_KEY = await readFile(sshd.keyFile('princeton_hk'), 'utf8');
    const backendFromEnv = backend('princeton_hk', knownHosts).replace(/privateKey: \{fromFile: [^}]+\}/, 'privateKey: {fromEnv: CONVERGE_TEST_PLANETLAB_KEY}');
    const own = await writeManifests({
      'backend.yaml': backendFromEnv,
      'slices.yaml': [controllerSlice('hk', 'princeton_hk'), experiment('princeton_hk', 'running', 'princeton_hkexp')].join('---\n'),
    });
    const report = await runEngine(own, { clock, waitMs: 1000 });
    expect(report.outcome, explain(report)).toBe('partial');
    const refused = report.objects.find((o) => o.key === `Slice/exp/sliver/${NODES[0]}`)!;
    expect(refused.result, explain(report)).toBe('failed');
    expect(refused.code).toBe('OBJECT_DEGRADED');
    expect(refused.reason).toMatch(/host key of node1\.princeton\.test does not match the one in known_hosts.*did not connect/);
    // The other node is reached: it only waits for its poll (the slice is new), as it should.
    expect(report.objects.find((o) => o.key === `Slice/exp/sliver/${NODES[1]}`)).toMatchObject({ result: 'pending', reason: expect.stringMatching(/NM fault 102/) });
    expect(report.objects.find((o) => o.key === 'Slice/exp')!.result).toBe('converged');
    expect(sliver(NODES[0]!, 'princeton_hkexp')).toBeUndefined();
  }, 60_000);
});
