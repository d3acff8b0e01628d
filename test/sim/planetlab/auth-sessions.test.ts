/**
 * PLC authentication (planetlab.md §A3, §C): password auth, sessions (GetSession, expiry,
 * DeleteSession), roles, anonymous, and secrets kept out of the call log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, DAY, PI, USER, addSlice, startTestPlanetLab, type TestPlanetLab } from './helpers.js';

const sims: TestPlanetLab[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
async function start(): Promise<TestPlanetLab> {
  const pl = await startTestPlanetLab();
  sims.push(pl);
  return pl;
}

describe('password auth', () => {
  it('accepts the seed accounts, with the Username in any case', async () => {
    const pl = await start();
    expect(await pl.plc('AuthCheck', PI)).toBe(1);
    expect(await pl.plc('AuthCheck', { ...PI, Username: 'PI@Princeton.TEST' })).toBe(1);
  });

  it('answers a bad password, an unknown account and a missing role with 103 and an empty caller', async () => {
    const pl = await start();
    expect(await pl.plcFault('AuthCheck', { ...PI, AuthString: 'wrong' })).toEqual({
      code: 103,
      text: ': AuthCheck: Failed to authenticate call: PasswordAuth: Password verification failed',
    });
    expect(await pl.plcFault('AuthCheck', { ...PI, Username: 'nobody@nowhere.test' })).toEqual({
      code: 103,
      text: ': AuthCheck: Failed to authenticate call: PasswordAuth: No such account',
    });
    expect(await pl.plcFault('AddSlice', USER, { name: 'princeton_x' })).toEqual({
      code: 103,
      text: ': AddSlice: Failed to authenticate call: PasswordAuth: missing role, method AddSlice has roles [admin,pi] -- caller user@princeton.test has roles [user]',
    });
  });

  it('requires AuthMethod and knows only its values', async () => {
    const pl = await start();
    expect(await pl.plcFault('AuthCheck', { Username: 'x' })).toEqual({ code: 102, text: ": AuthCheck: Invalid auth value: 'AuthMethod' not specified" });
    expect(await pl.plcFault('AuthCheck', { AuthMethod: 'kerberos' })).toEqual({
      code: 102,
      text: ": AuthCheck: Invalid AuthMethod value: must be 'session', 'password', 'gpg', 'hmac', 'hmac_dummybox', or 'anonymous'",
    });
    expect(await pl.plcFault('AuthCheck', { AuthMethod: 'password', Username: 'pi@princeton.test' })).toEqual({
      code: 102,
      text: ": AuthCheck: Invalid auth value: 'AuthString' not specified",
    });
  });

  it('lets anonymous callers read nodes but not slices', async () => {
    const pl = await start();
    const nodes = (await pl.plc('GetNodes', { AuthMethod: 'anonymous' }, null, ['hostname'])) as Array<{ hostname: string }>;
    expect(nodes.map((n) => n.hostname)).toEqual(['node1.princeton.test', 'node2.upmc.test', 'node3.princeton.test']);
    expect(await pl.plcFault('GetSlices', { AuthMethod: 'anonymous' })).toEqual({
      code: 103,
      text: ': GetSlices: Failed to authenticate call: AnonymousAuth: Not allowed to call method anonymously',
    });
  });
});

describe('sessions', () => {
  it('GetSession gives a 44-character key that authenticates as the person, and the same key again with session auth', async () => {
    const pl = await start();
    const key = String(await pl.plc('GetSession', PI));
    expect(key).toHaveLength(44);
    const session = { AuthMethod: 'session', session: key };
    expect(await pl.plc('GetSession', session)).toBe(key);
    const id = await addSlice(pl, 'princeton_s1');
    expect(await pl.plc('GetSlices', session, id, ['name'])).toEqual([{ name: 'princeton_s1' }]);
  });

  it('an unknown key is 103 "No such session"; an expired one is 103 and deleted', async () => {
    const pl = await start();
    expect(await pl.plcFault('AuthCheck', { AuthMethod: 'session', session: 'x'.repeat(44) })).toEqual({
      code: 103,
      text: ': AuthCheck: Failed to authenticate call: SessionAuth: No such session',
    });
    const session = { AuthMethod: 'session', session: String(await pl.plc('GetSession', PI)) };
    pl.advance(DAY - 1);
    expect(await pl.plc('AuthCheck', session)).toBe(1);
    pl.advance(1);
    expect(await pl.plcFault('AuthCheck', session)).toEqual({ code: 103, text: ': AuthCheck: Failed to authenticate call: SessionAuth: Invalid session' });
    expect((await pl.plcFault('AuthCheck', session)).text).toBe(': AuthCheck: Failed to authenticate call: SessionAuth: No such session');
  });

  it('a role the method does not list is 108 with a session, and the session survives', async () => {
    const pl = await start();
    const session = { AuthMethod: 'session', session: String(await pl.plc('GetSession', USER)) };
    expect(await pl.plcFault('AddSlice', session, { name: 'princeton_x' })).toEqual({
      code: 108,
      text: ': AddSlice: Permission denied: SessionAuth: missing role, method AddSlice has roles [admin,pi] -- caller user@princeton.test has roles [user]',
    });
    expect(await pl.plc('AuthCheck', session)).toBe(1);
  });

  it('GetSession honours an explicit lifetime, and DeleteSession logs out', async () => {
    const pl = await start();
    const short = { AuthMethod: 'session', session: String(await pl.plc('GetSession', ADMIN, 60)) };
    pl.advance(61);
    expect((await pl.plcFault('AuthCheck', short)).code).toBe(103);
    const session = { AuthMethod: 'session', session: String(await pl.plc('GetSession', ADMIN)) };
    expect(await pl.plc('DeleteSession', session)).toBe(1);
    expect((await pl.plcFault('AuthCheck', session)).text).toContain('SessionAuth: No such session');
  });
});

describe('secrets', () => {
  it('keeps passwords and session keys out of the call log and the dump', async () => {
    const pl = await start();
    const key = String(await pl.plc('GetSession', PI));
    await pl.plc('system.multicall', [{ methodName: 'AuthCheck', params: [{ AuthMethod: 'session', session: key }] }]);
    const logged = JSON.stringify(pl.sim.knobs.log.since());
    expect(logged).toContain('GetSession');
    expect(logged).not.toContain('pi-password');
    expect(logged).not.toContain(key);
    const dumped = JSON.stringify(await pl.plc('converge.sim.plc.dump'));
    expect(dumped).not.toContain('pi-password');
    expect(dumped).not.toContain(key);
  });
});
