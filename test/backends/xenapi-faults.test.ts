/**
 * Faults on XenAPI, each ending converged with exactly the desired VMs, no duplicate and no
 * leaked disk: sessions expiring mid-run, a pool supporter answering HOST_IS_SLAVE at login,
 * EVENTS_LOST while tasks are awaited, failed tasks, lost clone replies, and 20% of all calls
 * failing in transport (dropped connections, HTTP 503).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startXenApiSimulator, type RunningXenApiSimulator, type XenApiSimulatorOptions } from '../../src/backends/xenapi/sim/index.js';
import { manifestDir, reconcile } from '../helpers/engine.js';
import { XEN_CREDENTIALS, xenBackend, xenInfra } from '../helpers/xen-manifests.js';
import { guestVms, looseVdis, markedKeys, rows } from '../helpers/xen-sim-state.js';

const COUNT = 5;
const KEYS = ['Infrastructure/web/network/lan', ...Array.from({ length: COUNT }, (_, i) => `Infrastructure/web/vm/node-${i}`)].sort();
const INFRA = xenInfra('web', { systems: ['{name: node, cpu: 1, memory: 512Mi, image: "Debian Bookworm 12", disks: [{size: 1Gi}], interfaces: [lan]}'], deploy: { node: COUNT } });

/** LATE_TIMEOUTS: a client that gives up after 1 s, and a short settle grace. */
const LATE_TIMEOUTS = '  timeouts: {call: 1s, settle: 2s}\n';

const servers: RunningXenApiSimulator[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: XenApiSimulatorOptions & { host?: string; port?: number } = {}): Promise<RunningXenApiSimulator> {
  const server = await startXenApiSimulator({ taskDurationMs: 5, ...options });
  servers.push(server);
  return server;
}

async function setup(options: XenApiSimulatorOptions = {}): Promise<{ server: RunningXenApiSimulator; dir: string }> {
  const server = await start(options);
  return { server, dir: await manifestDir({ 'xen.cred': XEN_CREDENTIALS, 'backend.yaml': xenBackend(server.url), 'infra.yaml': INFRA }) };
}

/** expectExactly: the desired VMs and network, each once, all running, every disk in use. */
function expectExactly(server: RunningXenApiSimulator): void {
  const dump = server.sim.dump();
  expect(markedKeys(dump)).toEqual(KEYS);
  const names = guestVms(dump).map((vm) => vm.name_label).sort();
  expect(names).toEqual(Array.from({ length: COUNT }, (_, i) => `web-node-${i}`));
  expect(guestVms(dump).every((vm) => vm.power_state === 'Running')).toBe(true);
  expect(looseVdis(dump)).toEqual([]);
  // guest-tools.iso, and per VM its system disk (from the template) and its one extra disk
  expect(rows(dump, 'VDI')).toHaveLength(1 + 2 * COUNT);
}

/** during runs `act` once, as soon as the simulator has answered a call of `method`. */
function during(server: RunningXenApiSimulator, method: string, act: () => void): () => void {
  const timer = setInterval(() => {
    if (server.sim.knobs.log.since(0).some((e) => e.method === method)) {
      clearInterval(timer);
      act();
    }
  }, 2);
  return () => clearInterval(timer);
}

describe('XenAPI faults', () => {
  it('logs in again when every session expires mid-run', async () => {
    const { server, dir } = await setup();
    const stop = during(server, 'Async.VM.provision', () => server.sim.expireSessions());
    const report = await reconcile(dir);
    stop();
    expect(report.outcome).toBe('converged');
    expect(server.sim.knobs.log.countByMethod()['session.login_with_password']).toBeGreaterThanOrEqual(2);
    expectExactly(server);
  });

  it('follows HOST_IS_SLAVE at login to the pool master, keeping scheme and port', async () => {
    const master = await start({ host: '127.0.0.2' });
    const supporter = await start({ host: '127.0.0.1', port: master.port, hostIsSlaveOf: '127.0.0.2' });
    const dir = await manifestDir({ 'xen.cred': XEN_CREDENTIALS, 'backend.yaml': xenBackend(supporter.url), 'infra.yaml': INFRA });
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    expectExactly(master);
    expect(supporter.sim.knobs.log.countByMethod()).toEqual({ 'session.login_with_password': 1 });
    expect(guestVms(supporter.sim.dump())).toEqual([]);
  });

  it('resynchronises task waits after EVENTS_LOST', async () => {
    const { server, dir } = await setup();
    const timer = setInterval(() => server.sim.dropEvents(), 15);
    const report = await reconcile(dir).finally(() => clearInterval(timer));
    expect(report.outcome).toBe('converged');
    const restarts = server.sim.knobs.log.since(0).filter((e) => e.method === 'event.from' && e.params[2] === '');
    expect(restarts.length).toBeGreaterThan(1);
    expectExactly(server);
  });

  it('retries after failed tasks (failure status with error_info) and reports the retried calls', async () => {
    const { server, dir } = await setup();
    server.sim.failNextTask('VM.clone', ['OTHER_OPERATION_IN_PROGRESS', 'VM', 'OpaqueRef:busy', 'clone', 'OpaqueRef:other-task']);
    server.sim.failNextTask('VM.start', ['VM_BAD_POWER_STATE', 'OpaqueRef:x', 'halted', 'paused']);
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    expect(report.retries.map((r) => r.code).sort()).toEqual(['XEN_OTHER_OPERATION_IN_PROGRESS', 'XEN_VM_BAD_POWER_STATE']);
    expectExactly(server);
  });

  it('adopts a clone whose reply was lost instead of cloning again', async () => {
    const { server, dir } = await setup();
    server.sim.knobs.faults.add({ method: 'Async.VM.clone', mode: 'lose-reply', times: 2 });
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    expect(server.sim.knobs.log.countByMethod()['Async.VM.clone']).toBe(COUNT);
    expectExactly(server);
  });

  it('finishes a marking whose reply came late instead of destroying the clone and cloning again', async () => {
    const server = await start();
    const dir = await manifestDir({ 'xen.cred': XEN_CREDENTIALS, 'backend.yaml': xenBackend(server.url, 'shutdownTimeout: 2s', LATE_TIMEOUTS), 'infra.yaml': INFRA });
    // Every marking call acts at once; its reply comes after the client's 1 s timeout.
    server.sim.knobs.faults.add({ method: 'VM.add_to_other_config', mode: 'late-reply', delayMs: 1500, fraction: 1 });
    const report = await reconcile(dir, { waitMs: 40_000 });
    expect(report.outcome).toBe('converged');
    expect(server.sim.knobs.log.countByMethod()['Async.VM.clone']).toBe(COUNT);
    expect(server.sim.knobs.log.countByMethod()['VM.destroy'] ?? 0).toBe(0);
    expectExactly(server);
  }, 60_000);

  it('does not repeat a setter whose reply is late: the next pass finds it done', async () => {
    const server = await start();
    const dir = await manifestDir({ 'xen.cred': XEN_CREDENTIALS, 'backend.yaml': xenBackend(server.url, 'shutdownTimeout: 2s', LATE_TIMEOUTS), 'infra.yaml': INFRA });
    server.sim.knobs.faults.add({ method: 'VM.set_memory_limits', mode: 'late-reply', delayMs: 1500, fraction: 1 });
    const report = await reconcile(dir, { waitMs: 40_000 });
    expect(report.outcome).toBe('converged');
    expect(server.sim.knobs.log.countByMethod()['VM.set_memory_limits']).toBe(COUNT);
    expectExactly(server);
  }, 60_000);

  it('converges with 20% of all calls failing in transport, without duplicates or leaked disks', async () => {
    const { server, dir } = await setup();
    server.sim.knobs.faults.add({ method: '*', mode: 'drop', fraction: 0.1 });
    server.sim.knobs.faults.add({ method: '*', mode: 'http-error', fraction: 0.1 });
    const report = await reconcile(dir, { waitMs: 45_000 });
    server.sim.knobs.faults.clear();
    expect(report.outcome).toBe('converged');
    expect(report.retries.length).toBeGreaterThan(0);
    expectExactly(server);
  }, 60_000);
});

describe('XenAPI leftovers that cannot be deleted', () => {
  // Fails until the engine counts leftovers: src/engine/build-report.ts reports a run
  // "converged" when every *desired* object is, even though a planned delete of a leftover (a VM
  // beyond a lowered count, a half-deleted `#deleting-` VM, a pruned network) failed for good.
  // Seen under late replies: three `#deleting-` VMs and a network left live, exit 0. The lead owns
  // the engine; this test states the rule "extras never converge" for leftovers.
  it('does not report converged while a VM beyond the desired count is still live', async () => {
    const { server, dir } = await setup();
    expect((await reconcile(dir)).outcome).toBe('converged');
    await writeFile(join(dir, 'infra.yaml'), xenInfra('web', { systems: ['{name: node, cpu: 1, memory: 512Mi, image: "Debian Bookworm 12", disks: [{size: 1Gi}], interfaces: [lan]}'], deploy: { node: COUNT - 1 } }));
    server.sim.knobs.faults.add({ method: 'VM.destroy', mode: 'result', result: { Status: 'Failure', ErrorDescription: ['OTHER_OPERATION_IN_PROGRESS', 'VM', 'OpaqueRef:x', 'destroy', 'OpaqueRef:t'] }, fraction: 1 });
    const report = await reconcile(dir, { waitMs: 30_000 });
    server.sim.knobs.faults.clear();
    expect(guestVms(server.sim.dump())).toHaveLength(COUNT);
    expect(report.outcome).not.toBe('converged');
  }, 60_000);
});
