/**
 * A saved plan is applied only while it is still true: changed manifests or a live change made by
 * someone else since `plan --out` make `reconcile --plan` refuse with exit 6 and change nothing.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startImSimulator } from '../../src/backends/im/sim/index.js';
import { copyExamples, editFile, reportOf, runCli } from '../helpers/cli.js';
import { embeddedImState, liveInfrastructures, vmCount } from '../helpers/im-sim-state.js';
import { DEMO_AUTH, imCall } from '../helpers/im-client.js';

describe('reconcile --plan', () => {
  it('applies a fresh saved plan, and refuses stale ones with exit 6', async () => {
    const dir = await copyExamples();
    expect((await runCli(['reconcile', dir])).code).toBe(0);

    await editFile(join(dir, 'web.yaml'), 'worker: 2', 'worker: 3');
    const planFile = join(dir, '..', 'web.plan.json');
    expect((await runCli(['plan', dir, '--out', planFile])).code).toBe(2);
    const applied = await runCli(['reconcile', dir, '--plan', planFile, '--json']);
    expect(applied.code).toBe(0);
    expect(reportOf(applied.stdout).calls).toMatchObject({ AddResource: 1 });
    expect(vmCount(embeddedImState(dir), 'Infrastructure/web', 'worker')).toBe(3);

    // Manifests changed after the plan was made.
    await editFile(join(dir, 'web.yaml'), 'worker: 3', 'worker: 5');
    expect((await runCli(['plan', dir, '--out', planFile])).code).toBe(2);
    await editFile(join(dir, 'web.yaml'), 'worker: 5', 'worker: 6');
    const staleManifests = await runCli(['reconcile', dir, '--plan', planFile]);
    expect(staleManifests.code).toBe(6);
    expect(staleManifests.stderr).toMatch(/saved plan is stale: the manifests changed/);

    // The live infrastructure changed after the plan was made: another client removed a VM.
    expect((await runCli(['plan', dir, '--out', planFile])).code).toBe(2);
    const sim = await startImSimulator({ persistPath: join(dir, '.converge', 'sim', 'im-local.im.json') });
    try {
      const web = liveInfrastructures(sim.sim.dump()).find((i) => i.key === 'Infrastructure/web')!;
      await imCall(sim.url, 'RemoveResource', [web.id, String(web.vms.at(-1)!.id), DEMO_AUTH]);
    } finally {
      await sim.close();
    }
    const before = embeddedImState(dir);
    const staleLive = await runCli(['reconcile', dir, '--plan', planFile]);
    expect(staleLive.code).toBe(6);
    expect(staleLive.stderr).toMatch(/saved plan is stale: the live infrastructure changed/);
    expect(embeddedImState(dir)).toEqual(before);
  });
});
