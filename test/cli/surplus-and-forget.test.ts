/**
 * Plans and reports that say what will happen:
 * - two live objects carrying one key are never "converged": reconcile exits 3 and the plan names
 *   the surplus copy (the one state does not record); with --prune it is removed and the run
 *   converges with exactly one;
 * - letting go of objects (a pool network a lab only used, a `deletionPolicy: Orphan`
 *   infrastructure) is `forget`: counted apart from deletes, reported as released, and no call
 *   touches them.
 */
import { describe, expect, it } from 'vitest';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XmlRpcClient } from '../../src/xmlrpc/client.js';
import type { XmlRpcValue } from '../../src/xmlrpc/value.js';
import { copyExamples, reportOf, runCli, startSimProcess } from '../helpers/cli.js';
import { embeddedImState, liveInfrastructures } from '../helpers/im-sim-state.js';
import { embeddedXenState, markedKeys } from '../helpers/xen-sim-state.js';

const AUTH = 'id = im; type = InfrastructureManager; username = twin; password = twin-pw\nid = dummy; type = Dummy\n';

describe('two live objects with one key', () => {
  it('exits 3 naming the surplus copy, and removes it with --prune', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'converge-surplus-'));
    const { process: sim, url } = await startSimProcess('im', []);
    const client = new XmlRpcClient({ url });
    try {
      await writeFile(join(dir, 'auth.dat'), AUTH);
      await writeFile(
        join(dir, 'infra.yaml'),
        `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: im}\nspec: {type: im, url: "${url}", credentials: {fromFile: auth.dat}}\n---\n` +
          `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: web}\nspec:\n  backend: im\n  networks: [{name: net}]\n` +
          `  systems: [{name: node, cpu: 1, memory: 512Mi, image: "mock0://img", interfaces: [net]}]\n  deploy: {node: 1}\n`,
      );
      expect((await runCli(['reconcile', dir])).code).toBe(0);
      // A second infrastructure with the same marker, as a lost create reply could leave behind.
      const auth: XmlRpcValue[] = [{ id: 'im', type: 'InfrastructureManager', username: 'twin', password: 'twin-pw' }, { id: 'dummy', type: 'Dummy' }];
      const [kept] = ((await client.call('GetInfrastructureList', [auth])) as [boolean, string[]])[1];
      const [, radl] = (await client.call('GetInfrastructureRADL', [kept!, auth])) as [boolean, string];
      const [, copy] = (await client.call('CreateInfrastructure', [radl, auth])) as [boolean, string];

      const refused = await runCli(['reconcile', dir, '--wait', '10s']);
      expect(refused.code, refused.stdout).toBe(3);
      expect(refused.stdout).toContain(`infId=${copy}`);
      expect(refused.stdout).toMatch(/SURPLUS_COPY/);
      const plan = await runCli(['plan', dir]);
      expect(plan.stdout).toContain(`surplus live copy (infId=${copy})`);
      const prunePlan = await runCli(['plan', dir, '--prune']);
      expect(prunePlan.code).toBe(2);
      expect(prunePlan.stdout).toContain(`- Infrastructure/web#surplus-${copy}`);
      expect(prunePlan.stdout).toContain('Plan: 0 to create, 0 to update, 0 to replace, 1 to delete.');

      const pruned = await runCli(['reconcile', dir, '--prune', '--json']);
      expect(pruned.code, pruned.stdout).toBe(0);
      expect(reportOf(pruned.stdout).calls).toMatchObject({ DestroyInfrastructure: 1 });
      const [, left] = (await client.call('GetInfrastructureList', [auth])) as [boolean, string[]];
      expect(left).toEqual([kept]);
    } finally {
      client.close();
      sim.kill('SIGTERM');
      await sim.result;
    }
  });
});

describe('letting go of objects with --prune', () => {
  it('plans and reports a used pool network and an Orphan infrastructure as forgotten, not deleted', async () => {
    const dir = await copyExamples();
    expect((await runCli(['reconcile', dir])).code).toBe(0);
    const data = liveInfrastructures(embeddedImState(dir)).find((i) => i.key === 'Infrastructure/data')!;
    await rm(join(dir, 'data.yaml'));
    await writeFile(join(dir, 'xen.yaml'), (await readFile(join(dir, 'xen.yaml'), 'utf8')).replace(/---\n(?:(?!---)[\s\S])*kind: Infrastructure[\s\S]*$/, ''));

    const plan = await runCli(['plan', dir, '--prune']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('. Infrastructure/data will no longer be managed by converge');
    expect(plan.stdout).toContain('. Infrastructure/lab/network/uplink will no longer be managed by converge');
    expect(plan.stdout).toContain('- Infrastructure/lab/network/backend');
    expect(plan.stdout).not.toMatch(/^\s+- Infrastructure\/(data|lab\/network\/uplink)\b/m);
    expect(plan.stdout).toContain('Plan: 0 to create, 0 to update, 0 to replace, 4 to delete, 2 to forget (no longer managed, left live).');

    const run = await runCli(['reconcile', dir, '--prune', '--max-destroy', '4', '--json']);
    expect(run.code, run.stdout).toBe(0);
    const report = reportOf(run.stdout) as unknown as { objects: Array<{ key: string; result: string }>; calls: Record<string, number> };
    expect(report.objects.filter((o) => o.result === 'released').map((o) => o.key).sort()).toEqual(['Infrastructure/data', 'Infrastructure/lab/network/uplink']);
    expect(report.calls.DestroyInfrastructure ?? 0).toBe(0);
    expect(liveInfrastructures(embeddedImState(dir)).find((i) => i.key === 'Infrastructure/data')?.id).toBe(data.id);
    expect(markedKeys(embeddedXenState(dir))).toEqual([]);
  });
});
