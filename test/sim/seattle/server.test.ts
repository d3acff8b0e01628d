/**
 * The simulator as a server: its path, lose-reply, persistence across a restart, the control
 * methods over the wire, and the account methods (the private-key → API key flow of the client).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeCall } from '../../../src/xmlrpc/codec.js';
import { SimKnobs } from '../../../src/xmlrpc/sim/knobs.js';
import type { XmlRpcStruct } from '../../../src/xmlrpc/value.js';
import { generateSeattleKeyPair, rsaDecrypt } from '../../../src/backends/seattle/sim/index.js';
import { AUTH, FrozenClock, HOUR, handlesOf, startTestSim, type TestSim } from './helpers.js';

const PWAUTH = { username: 'alice', password: 'alice-password' };

const sims: TestSim[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function start(...args: Parameters<typeof startTestSim>): Promise<TestSim> {
  const sim = await startTestSim(...args);
  sims.push(sim);
  return sim;
}

describe('endpoint', () => {
  it('serves /xmlrpc/ (the url includes it) and answers other paths with 404', async () => {
    const sim = await start();
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/xmlrpc\/$/);
    const body = encodeCall('get_account_info', [AUTH]);
    const other = await fetch(new URL('/RPC2', sim.url), { method: 'POST', body });
    expect(other.status).toBe(404);
    const bare = await fetch(new URL('/xmlrpc', sim.url), { method: 'POST', body });
    expect(bare.status).toBe(200);
  });
});

describe('lose-reply', () => {
  it('acquires on the server although the client gets no answer; get_resource_info shows them', async () => {
    const sim = await start();
    sim.sim.knobs.faults.add({ method: 'acquire_resources', mode: 'lose-reply' });
    await expect(sim.acquire('wan', 3)).rejects.toThrow();
    const held = await sim.resources();
    expect(held).toHaveLength(3);
    expect(held.map((i) => i.expires_in_seconds)).toEqual([14400, 14400, 14400]);
    expect(sim.sim.knobs.log.since().map((e) => [e.method, e.outcome])).toEqual([
      ['acquire_resources', 'injected:lose-reply'],
      ['get_resource_info', 'ok'],
    ]);
  });
});

describe('persistence', () => {
  it('keeps accounts, vessels, expiries, credits and virtual time across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seattle-sim-'));
    dirs.push(dir);
    const persistPath = join(dir, 'seattle.json');
    const clock = new FrozenClock();
    const first = await start({ persistPath, knobs: new SimKnobs({ clock }) });
    const handles = handlesOf(await first.acquire('lan', 3));
    first.sim.setCredits('alice', 7);
    const newKey = String(await first.call('regenerate_api_key', PWAUTH));
    first.advance(HOUR);
    await first.call('release_resources', { username: 'alice', api_key: newKey }, [handles[0] as string]);
    const before = first.sim.dump();
    await first.close();
    expect(JSON.parse(await readFile(persistPath, 'utf8'))).toMatchObject({ version: 1, clockMs: clock.now() });

    const second = await start({ persistPath, knobs: new SimKnobs({ clock: new FrozenClock() }), availability: { wan: 0 } });
    expect(second.clock.now()).toBe(clock.now());
    expect(second.sim.dump()).toEqual(before);
    expect((await second.fault('get_resource_info', AUTH)).code).toBe(101);
    const auth = { username: 'alice', api_key: newKey };
    const held = (await second.call('get_resource_info', auth)) as XmlRpcStruct[];
    expect(handlesOf(held).sort()).toEqual(handles.slice(1).sort());
    expect(held.map((i) => i.expires_in_seconds)).toEqual([3 * HOUR, 3 * HOUR]);
    expect(await second.call('get_account_info', auth)).toMatchObject({ max_vessels: 7 });
  });

  it('saves an acquisition before the reply, so a lost reply is still on disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seattle-sim-'));
    dirs.push(dir);
    const persistPath = join(dir, 'seattle.json');
    const sim = await start({ persistPath });
    sim.sim.knobs.faults.add({ method: 'acquire_resources', mode: 'lose-reply' });
    await expect(sim.acquire('random', 2)).rejects.toThrow();
    const saved = JSON.parse(await readFile(persistPath, 'utf8')) as { nodes: Array<{ owner: string | null }> };
    expect(saved.nodes.filter((n) => n.owner === 'alice')).toHaveLength(2);
  });
});

describe('control methods over the wire', () => {
  it('dump, setAvailability and setCredits', async () => {
    const sim = await start();
    expect(await sim.call('converge.sim.seattle.setAvailability', { lan: 4, wan: 2 })).toEqual({ lan: 4, wan: 2, nat: 20 });
    expect(await sim.call('converge.sim.seattle.setCredits', 'alice', 3)).toBe(true);
    const [info] = await sim.acquire('wan', 1);
    const dump = (await sim.call('converge.sim.seattle.dump')) as XmlRpcStruct;
    expect(dump.free).toEqual({ lan: 4, wan: 1, nat: 20 });
    expect(dump.accounts).toEqual([
      expect.objectContaining({ username: 'alice', maxVessels: 3, vessels: [expect.objectContaining({ handle: info?.handle, type: 'wan', expiresAt: sim.clock.now() + 4 * HOUR * 1000 })] }),
    ]);
    expect((await sim.fault('converge.sim.seattle.setCredits', 'nobody', 3)).text).toBe('no account nobody');
    expect((await sim.fault('converge.sim.seattle.nope')).code).toBe(1);
  });
});

describe('account methods', () => {
  it('get_encrypted_api_key decrypts with the account private key to 20 characters, "!", the API key', async () => {
    const sim = await start();
    const encrypted = String(await sim.call('get_encrypted_api_key', 'alice'));
    expect(encrypted).toMatch(/^( \d+)+$/);
    const privateKey = String(await sim.call('converge.sim.seattle.privateKey', 'alice'));
    const parts = rsaDecrypt(encrypted, privateKey).split('!');
    expect(parts).toHaveLength(2);
    expect(parts[0]).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(parts[1]).toBe(AUTH.api_key);
    expect(String(await sim.call('get_public_key', AUTH))).toMatch(/^65537 \d+$/);
  });

  it('regenerate_api_key returns a 32-character key of distinct characters without O; the old key stops working', async () => {
    const sim = await start();
    const key = String(await sim.call('regenerate_api_key', PWAUTH));
    expect(key).toMatch(/^[0-9A-NP-Z]{32}$/);
    expect(new Set(key).size).toBe(32);
    expect(await sim.fault('get_account_info', AUTH)).toEqual({ code: 101, text: 'User auth failed.' });
    expect(await sim.call('get_account_info', { username: 'alice', api_key: key })).toMatchObject({ user_name: 'alice' });
  });

  it('set_public_key returns 0, changes get_public_key, and encrypts the API key for the new key', async () => {
    const sim = await start();
    const keys = generateSeattleKeyPair(512);
    expect(await sim.call('set_public_key', PWAUTH, keys.publicKey)).toBe(0);
    expect(await sim.call('get_public_key', AUTH)).toBe(keys.publicKey);
    const decrypted = rsaDecrypt(String(await sim.call('get_encrypted_api_key', 'alice')), keys.privateKey);
    expect(decrypted.split('!')[1]).toBe(AUTH.api_key);
    expect((await sim.fault('converge.sim.seattle.privateKey', 'alice')).code).toBe(1);
  });

  it('get_account_info has exactly the four members the server sends', async () => {
    const sim = await start();
    const info = (await sim.call('get_account_info', AUTH)) as XmlRpcStruct;
    expect(Object.keys(info).sort()).toEqual(['max_vessels', 'user_affiliation', 'user_name', 'user_port']);
    expect(info.max_vessels).toBe(10);
    expect(Number(info.user_port)).toBeGreaterThanOrEqual(63100);
    expect(Number(info.user_port)).toBeLessThanOrEqual(63179);
  });
});
