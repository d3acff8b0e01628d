/**
 * IM driver behaviour beyond the contract suite, against the IM simulator over a socket: resize
 * with AlterVM, power, recipes with Reconfigure, replacement, prune and deletionPolicy, and the
 * way unconfigured/failed infrastructures are reported.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startImSimulator } from '../../src/backends/im/sim/index.js';
import { liveInfrastructures } from '../helpers/im-sim-state.js';
import { IM_AUTH, imBackend, infrastructure, manifestDir, reconcile } from '../helpers/engine.js';

type Server = Awaited<ReturnType<typeof startImSimulator>>;

const web = (opts: { memory?: string; cpu?: number; image?: string; count?: number; power?: string; configure?: string; policy?: string } = {}) =>
  infrastructure(
    'web',
    `  networks: [{name: lan}]\n  systems:\n    - name: node\n      cpu: ${opts.cpu ?? 1}\n      memory: ${opts.memory ?? '1Gi'}\n      image: "${opts.image ?? 'mock0://img1'}"\n      interfaces: [lan]\n` +
      (opts.configure ? `      configure: |\n        ${opts.configure}\n` : '') +
      `  deploy: {node: ${opts.count ?? 2}}\n  power: ${opts.power ?? 'running'}\n  deletionPolicy: ${opts.policy ?? 'Delete'}\n`,
  );

describe('IM driver', () => {
  let server: Server;
  let dir: string;
  const live = () => liveInfrastructures(server.sim.dump());
  const setWeb = (text: string) => writeFile(join(dir, 'web.yaml'), text);

  beforeEach(async () => {
    server = await startImSimulator();
    dir = await manifestDir({ 'auth.dat': IM_AUTH, 'backend.yaml': imBackend(server.url), 'web.yaml': web() });
    expect((await reconcile(dir)).outcome).toBe('converged');
  });
  afterEach(async () => server.close());

  it('resizes every VM with AlterVM and nothing else', async () => {
    await setWeb(web({ memory: '4Gi', cpu: 2 }));
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    expect(report.calls.AlterVM).toBe(2);
    expect(report.mutatingCalls).toBe(2);
    expect(live()[0]!.vms.map((v) => [v.cpuCount, v.memoryBytes])).toEqual([
      [2, 4294000000],
      [2, 4294000000],
    ]);
    expect((await reconcile(dir)).mutatingCalls).toBe(0);
  });

  it('stops and starts the infrastructure for power changes', async () => {
    await setWeb(web({ power: 'stopped' }));
    const stopped = await reconcile(dir);
    expect([stopped.outcome, stopped.calls.StopInfrastructure]).toEqual(['converged', 1]);
    expect(live()[0]!.vms.map((v) => v.state)).toEqual(['stopped', 'stopped']);
    await setWeb(web({ power: 'running' }));
    const started = await reconcile(dir);
    expect([started.outcome, started.calls.StartInfrastructure]).toEqual(['converged', 1]);
    expect(live()[0]!.vms.map((v) => v.state)).toEqual(['configured', 'configured']);
  });

  it('reconfigures on a recipe change and reports an unconfigured result with IM\'s message', async () => {
    await setWeb(web({ configure: '- command: echo hello' }));
    const report = await reconcile(dir, { waitMs: 10_000 });
    expect(report.calls.Reconfigure).toBe(1);
    expect(report.outcome).toBe('partial');
    const web1 = report.objects.find((o) => o.key === 'Infrastructure/web')!;
    expect(web1).toMatchObject({ result: 'failed', code: 'OBJECT_DEGRADED' });
    expect(web1.reason).toMatch(/unconfigured/);
    expect(web1.reason).toMatch(/Master VM/);
  });

  it('reports a failed VM as failed with the contextualization message', async () => {
    const infra = live()[0]!;
    server.sim.setVmState(infra.id, infra.vms[0]!.id, 'failed');
    const report = await reconcile(dir, { waitMs: 2_000 });
    expect(report.exitCode).toBe(3);
    expect(report.objects[0]).toMatchObject({ result: 'failed', code: 'OBJECT_FAILED' });
    expect(report.objects[0]!.reason).toMatch(/vm \d+ failed/);
    expect(report.mutatingCalls).toBe(0);
  });

  it('replaces the infrastructure when an image changes (destroy, then create)', async () => {
    const before = live()[0]!.id;
    await setWeb(web({ image: 'mock0://img2' }));
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    expect([report.calls.DestroyInfrastructure, report.calls.CreateInfrastructure]).toEqual([1, 1]);
    expect(live().map((i) => i.id)).not.toContain(before);
    expect(live()).toHaveLength(1);
  });

  it('leaves a removed manifest alone without prune, deletes it with prune, and only lets go with Orphan', async () => {
    await setWeb('');
    const kept = await reconcile(dir);
    expect(kept.mutatingCalls).toBe(0);
    expect(live()).toHaveLength(1);
    const pruned = await reconcile(dir, { prune: true });
    expect(pruned.calls.DestroyInfrastructure).toBe(1);
    expect(pruned.objects).toEqual([{ key: 'Infrastructure/web', result: 'deleted' }]);
    expect(live()).toHaveLength(0);

    await setWeb(web({ policy: 'Orphan' }));
    await reconcile(dir);
    await setWeb('');
    const orphaned = await reconcile(dir, { prune: true });
    expect(orphaned.mutatingCalls).toBe(0);
    expect(live()).toHaveLength(1);
    expect((await reconcile(dir, { prune: true })).mutatingCalls).toBe(0);
  });

  it('scales a system to zero and back', async () => {
    await setWeb(web({ count: 0 }));
    const down = await reconcile(dir);
    expect([down.outcome, down.calls.RemoveResource]).toEqual(['converged', 1]);
    expect(live()[0]!.vms).toHaveLength(0);
    await setWeb(web({ count: 3 }));
    const up = await reconcile(dir);
    expect([up.outcome, up.calls.AddResource]).toEqual(['converged', 1]);
    expect(live()[0]!.vms).toHaveLength(3);
  });
});
