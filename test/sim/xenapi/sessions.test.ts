/** Sessions (xenapi.md §1 "Session", §7.5): login, logout, expiry, caps and supporter mode. */
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_UUIDS, startXenApiSimulator } from '../../../src/backends/xenapi/sim/index.js';
import { startTestXen, XenFailure, XenTestClient, type TestXen } from './helpers.js';

let xen: TestXen | undefined;
afterEach(async () => {
  await xen?.close();
  xen = undefined;
});

async function loginFailure(client: XenTestClient, ...args: string[]): Promise<string[]> {
  try {
    await client.login(...(args as [string, string]));
  } catch (error) {
    if (error instanceof XenFailure) return error.description;
    throw error;
  }
  throw new Error('login succeeded');
}

describe('login', () => {
  const rows: Array<{ reason: string; args: string[]; expected: string[] | 'ok' }> = [
    { reason: 'two parameters, as xen-orchestra sends', args: ['root', 'xenroot'], expected: 'ok' },
    { reason: 'with a version', args: ['root', 'xenroot', '1.1'], expected: 'ok' },
    { reason: 'with version and originator, as Ansible sends', args: ['root', 'xenroot', '2.15', 'Ansible'], expected: 'ok' },
    { reason: 'a wrong password', args: ['root', 'nope'], expected: ['SESSION_AUTHENTICATION_FAILED', 'root', 'Authentication failure'] },
    { reason: 'an unknown user', args: ['alice', 'xenroot'], expected: ['SESSION_AUTHENTICATION_FAILED', 'alice', 'Authentication failure'] },
  ];
  it.each(rows)('$reason', async ({ args, expected }) => {
    xen = await startTestXen();
    const client = new XenTestClient(xen.url);
    if (expected === 'ok') {
      expect(await client.login(...(args as [string, string]))).toMatch(/^OpaqueRef:/);
      expect(await client.call('session.get_this_host', client.session)).toBe(await client.ref('host', SEED_UUIDS.host));
    } else {
      expect(await loginFailure(client, ...args)).toEqual(expected);
    }
  });

  it('uses the configured users', async () => {
    xen = await startTestXen({ users: [{ username: 'root', password: 'xenroot' }, { username: 'ops', password: 's3cret' }] });
    const client = new XenTestClient(xen.url);
    await client.login('ops', 's3cret');
    expect(await client.record('session', client.session)).toMatchObject({ auth_user_name: 'ops', is_local_superuser: false });
  });
});

describe('SESSION_INVALID', () => {
  const rows: Array<{ reason: string; invalidate: (xen: TestXen) => Promise<unknown> }> = [
    { reason: 'after logout', invalidate: (x) => x.client.call('session.logout') },
    { reason: 'after 24 h idle (virtual clock)', invalidate: async (x) => x.sim.knobs.clock.advance(24 * 3600 * 1000 + 1) },
    { reason: 'after converge.sim.xenapi.expireSessions', invalidate: (x) => x.client.control('converge.sim.xenapi.expireSessions') },
  ];
  it.each(rows)('$reason', async ({ invalidate }) => {
    xen = await startTestXen();
    await invalidate(xen);
    expect(await xen.client.fail('VM.get_all')).toEqual(['SESSION_INVALID', xen.client.session]);
  });

  it('keeps an active session alive past 24 h of total age', async () => {
    xen = await startTestXen();
    xen.sim.knobs.clock.advance(20 * 3600 * 1000);
    await xen.client.call('pool.get_all');
    xen.sim.knobs.clock.advance(20 * 3600 * 1000);
    expect(await xen.client.call('pool.get_all')).toHaveLength(1);
  });
});

describe('session caps', () => {
  it('destroys the least recently active session of a full group', async () => {
    xen = await startTestXen({ sessionLimits: { perOriginator: 2 } });
    const [a, b, c] = [new XenTestClient(xen.url), new XenTestClient(xen.url), new XenTestClient(xen.url)];
    await a.login('root', 'xenroot', '1.1', 'tool');
    await b.login('root', 'xenroot', '1.1', 'tool');
    xen.sim.knobs.clock.advance(1000);
    await a.call('pool.get_all');
    await c.login('root', 'xenroot', '1.1', 'tool');
    expect(await b.fail('pool.get_all')).toEqual(['SESSION_INVALID', b.session]);
    expect(await a.call('pool.get_all')).toHaveLength(1);
    expect(await xen.client.call('pool.get_all')).toHaveLength(1);
  });
});

describe('HOST_IS_SLAVE', () => {
  it('answers login with the master address when started as a supporter', async () => {
    const server = await startXenApiSimulator({ hostIsSlaveOf: '192.0.2.10' });
    try {
      expect(await loginFailure(new XenTestClient(server.url))).toEqual(['HOST_IS_SLAVE', '192.0.2.10']);
    } finally {
      await server.close();
    }
  });

  it('switches in and out of supporter mode through the control method', async () => {
    xen = await startTestXen();
    const client = new XenTestClient(xen.url);
    await client.control('converge.sim.xenapi.setHostIsSlave', 'fd00::1');
    expect(await loginFailure(client)).toEqual(['HOST_IS_SLAVE', 'fd00::1']);
    await client.control('converge.sim.xenapi.setHostIsSlave', '');
    expect(await client.login()).toMatch(/^OpaqueRef:/);
  });
});

describe('call log', () => {
  it('never keeps the login password', async () => {
    const xen = await startTestXen({});
    try {
      await xen.client.call('VM.get_all');
      const log = JSON.stringify(xen.sim.knobs.log.since());
      expect(log).toContain('session.login_with_password');
      expect(log).not.toContain('xenroot');
    } finally {
      await xen.close();
    }
  });
});
