/**
 * `converge sim im` knob flags, on the compiled CLI (npm test builds dist first): a USER_DB file,
 * the change timing, corruption off and the backlog; IM-only flags are refused for other types.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startSimProcess } from '../../helpers/cli.js';
import { imCall } from '../../helpers/im-client.js';
import { XmlRpcClient } from '../../../src/xmlrpc/client.js';
import type { XmlRpcValue } from '../../../src/xmlrpc/value.js';

const USER = { type: 'InfrastructureManager', username: 'listed', password: 'listed-pw' };

async function raw(url: string, method: string, params: XmlRpcValue[]): Promise<XmlRpcValue> {
  const client = new XmlRpcClient({ url, timeoutMs: 10_000 });
  try {
    return await client.call(method, params);
  } finally {
    client.close();
  }
}

describe('converge sim im flags', () => {
  let dir = '';
  let url = '';
  let sim: Awaited<ReturnType<typeof startSimProcess>>['process'];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'converge-sim-flags-'));
    const users = join(dir, 'users.json');
    await writeFile(users, JSON.stringify({ users: [{ username: USER.username, password: USER.password }] }));
    const args = ['--users', users, '--create-base-ms', '5', '--create-ms-per-vm', '7', '--no-corrupt-concurrent-changes', '--backlog', '0'];
    ({ process: sim, url } = await startSimProcess('im', args));
  });

  afterAll(async () => {
    sim.kill('SIGTERM');
    await sim.result;
    await rm(dir, { recursive: true, force: true });
  });

  it('serves only the users of the USER_DB file', async () => {
    expect(await imCall(url, 'GetInfrastructureList', [[USER]])).toEqual([]);
    expect(await raw(url, 'GetInfrastructureList', [[{ ...USER, password: 'wrong' }]])).toEqual([false, 'Invalid InfrastructureManager credentials']);
  });

  it('applies the timing, corruption and backlog flags', async () => {
    expect(await raw(url, 'converge.sim.im.settings', [])).toEqual({ createBaseMs: 5, createMsPerVm: 7, corruptConcurrentChanges: false });
    expect(await raw(url, 'converge.sim.backlogStats', [])).toEqual({ limit: 0, penaltyMs: 0, penalized: 0 });
  });

  it('refuses IM-only flags for another simulator type', async () => {
    const result = await runCli(['sim', 'seattle', '--port', '0', '--no-corrupt-concurrent-changes']);
    expect(result.code).toBe(4);
    expect(result.stderr + result.stdout).toContain('--no-corrupt-concurrent-changes: only for the im simulator, not seattle');
  });

  it('refuses a USER_DB file that is not one', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"users": [{"username": "x"}]}');
    const result = await runCli(['sim', 'im', '--port', '0', '--users', bad]);
    expect(result.code).toBe(4);
    expect(result.stderr + result.stdout).toContain('users[0] needs a username and a password');
  });
});
