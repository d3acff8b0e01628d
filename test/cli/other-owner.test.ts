/**
 * A second owner is visible (issue: team state). A checkout with a fresh state of its own, against
 * backends where another state's objects carry the same keys under another owner, must not plan
 * silent second copies: plan and status name those objects and their owner ("another state
 * manages it"), and reconcile exits 3 without any mutating call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLines, reportOf, runCli, startSimProcess } from '../helpers/cli.js';

async function checkout(urls: { im: string; xenapi: string }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'converge-owner-'));
  await writeFile(join(dir, 'im-auth.dat'), 'id = im; type = InfrastructureManager; username = team; password = team-pw\nid = dummy; type = Dummy\n');
  await writeFile(join(dir, 'xen.cred'), 'username = root\npassword = xenroot\n');
  await writeFile(
    join(dir, 'all.yaml'),
    `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: im}\nspec: {type: im, url: "${urls.im}", credentials: {fromFile: im-auth.dat}}\n---\n` +
      `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: xen}\nspec: {type: xenapi, url: "${urls.xenapi}", credentials: {fromFile: xen.cred}}\n---\n` +
      `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: web}\nspec:\n  backend: im\n  networks: [{name: net}]\n` +
      `  systems: [{name: node, cpu: 1, memory: 512Mi, image: "mock0://img", interfaces: [net]}]\n  deploy: {node: 1}\n---\n` +
      `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: lab}\nspec:\n  backend: xen\n  networks: [{name: lan}]\n` +
      `  systems: [{name: node, cpu: 1, memory: 512Mi, image: "Debian Bookworm 12", interfaces: [lan]}]\n  deploy: {node: 1}\n`,
  );
  return dir;
}

describe('objects of another owner', () => {
  const sims: Array<Awaited<ReturnType<typeof startSimProcess>>['process']> = [];
  const urls = { im: '', xenapi: '' };

  beforeAll(async () => {
    for (const type of ['im', 'xenapi'] as const) {
      const sim = await startSimProcess(type, []);
      sims.push(sim.process);
      urls[type] = sim.url;
    }
  });

  afterAll(async () => {
    for (const sim of sims) sim.kill('SIGTERM');
    await Promise.all(sims.map((sim) => sim.result));
  });

  it('are named with their owner by plan and status, and reconcile makes no second copy', async () => {
    const first = await checkout(urls);
    expect((await runCli(['reconcile', first])).code).toBe(0);
    const owner = (JSON.parse(await readFile(join(first, '.converge', 'state.json'), 'utf8')) as { owner: string }).owner;

    const second = await checkout(urls);
    const plan = await runCli(['plan', second]);
    expect(plan.stdout).not.toMatch(/^\s+\+ /m);
    for (const key of ['Infrastructure/web', 'Infrastructure/lab/vm/node-0', 'Infrastructure/lab/network/lan']) {
      expect(plan.stdout).toContain(`! ${key}: another state manages it (owner "${owner}")`);
    }
    const status = jsonLines((await runCli(['status', second, '--json'])).stdout)[0] as { objects: Array<{ key: string; live: string; message?: string }> };
    expect(status.objects.find((o) => o.key === 'Infrastructure/web')).toMatchObject({ live: 'blocked', message: expect.stringContaining(owner) });

    const run = await runCli(['reconcile', second, '--json', '--wait', '5s']);
    expect(run.code).toBe(3);
    expect(reportOf(run.stdout).mutatingCalls).toBe(0);
    expect(JSON.stringify(reportOf(run.stdout))).toContain('OTHER_OWNER');
  });
});
