/**
 * A wrong identity never makes a second copy (apis/im.md §g). An IM without a user list takes any
 * username/password pair as a new identity: with only the password changed, the list is empty and
 * a create would succeed. An IM with a user list refuses a revoked user on every call. Either way
 * `plan` and `reconcile` exit 1 with UNAUTHORIZED naming the object, make no mutating call, and
 * leave state byte-identical.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XmlRpcClient } from '../../src/xmlrpc/client.js';
import { runCli, startSimProcess } from '../helpers/cli.js';

const MUTATING = ['CreateInfrastructure', 'AddResource', 'RemoveResource', 'AlterVM', 'Reconfigure', 'StartInfrastructure', 'StopInfrastructure', 'DestroyInfrastructure'];

async function writeManifests(dir: string, url: string, password: string): Promise<void> {
  await writeFile(join(dir, 'im-auth.dat'), `id = im; type = InfrastructureManager; username = alice; password = ${password}\nid = dummy; type = Dummy\n`);
  await writeFile(
    join(dir, 'infra.yaml'),
    `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: im}\nspec: {type: im, url: "${url}", credentials: {fromFile: im-auth.dat}}\n---\n` +
      `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: web}\nspec:\n  backend: im\n  networks: [{name: net}]\n` +
      `  systems: [{name: node, cpu: 1, memory: 512Mi, image: "mock0://img", interfaces: [net]}]\n  deploy: {node: 2}\n`,
  );
}

describe('a wrong or revoked IM identity', () => {
  const sims: Array<Awaited<ReturnType<typeof startSimProcess>>['process']> = [];
  afterEach(async () => {
    for (const sim of sims.splice(0)) {
      sim.kill('SIGTERM');
      await sim.result;
    }
  });

  async function start(args: string[]): Promise<XmlRpcClient> {
    const { process, url } = await startSimProcess('im', args);
    sims.push(process);
    return new XmlRpcClient({ url });
  }

  async function expectRefused(dir: string, client: XmlRpcClient, secret: string): Promise<void> {
    const statePath = join(dir, '.converge', 'state.json');
    const before = await readFile(statePath, 'utf8');
    const counted = (await client.call('converge.sim.callCounts', [])) as Record<string, number>;
    for (const command of ['plan', 'reconcile']) {
      const result = await runCli([command, dir]);
      expect(result.code, `${command}: ${result.stdout}${result.stderr}`).toBe(1);
      expect(result.stderr).toContain('[IDENTITY_REFUSED]');
      expect(result.stderr).toContain('Infrastructure/web');
      expect(result.stderr).toContain('IM user "alice"');
      expect(result.stderr + result.stdout).not.toContain(secret);
    }
    const after = (await client.call('converge.sim.callCounts', [])) as Record<string, number>;
    for (const method of MUTATING) expect(after[method] ?? 0, method).toBe(counted[method] ?? 0);
    expect(await readFile(statePath, 'utf8')).toBe(before);
  }

  it('refuses a changed password on an IM without a user list (a new identity there)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'converge-identity-'));
    const client = await start([]);
    try {
      await writeManifests(dir, client.url.href, 'right-pw');
      expect((await runCli(['reconcile', dir])).code).toBe(0);
      await writeManifests(dir, client.url.href, 'wrong-pw-4711');
      await expectRefused(dir, client, 'wrong-pw-4711');
    } finally {
      client.close();
    }
  });

  it('refuses a user revoked from the IM user list', async () => {
    const root = await mkdtemp(join(tmpdir(), 'converge-revoked-'));
    const persist = join(root, 'sim.json');
    const users = join(root, 'users.json');
    await writeFile(users, JSON.stringify({ users: [{ username: 'alice', password: 'right-pw' }] }));
    let client = await start(['--persist', persist, '--users', users]);
    await writeManifests(root, client.url.href, 'right-pw');
    expect((await runCli(['reconcile', root])).code).toBe(0);
    client.close();
    const first = sims.pop()!;
    first.kill('SIGTERM');
    await first.result;
    // The administrator revokes alice: the same server, the user list without her.
    await writeFile(users, JSON.stringify({ users: [{ username: 'bob', password: 'other' }] }));
    client = await start(['--persist', persist, '--users', users]);
    try {
      await writeManifests(root, client.url.href, 'right-pw');
      await expectRefused(root, client, 'right-pw');
    } finally {
      client.close();
    }
  });
});
