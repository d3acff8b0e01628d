/**
 * The persisted state never holds a credential in clear: not the API key, not the password, not
 * the server-held private key. A simulator restarted from its file still authenticates the same
 * api_key and password, answers get_encrypted_api_key so that the account's private key reads
 * the same API key, re-encrypts it for a new public key, and has forgotten the private key.
 * Files written before digests (clear members) still load, and are rewritten without them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSeattleKeyPair, rsaDecrypt, startSeattleSimulator } from '../../../src/backends/seattle/sim/index.js';
import type { XmlRpcValue } from '../../../src/xmlrpc/value.js';
import { AUTH, rawCall } from './helpers.js';

const PWAUTH = { username: 'alice', password: 'alice-password' };
type Running = Awaited<ReturnType<typeof startSeattleSimulator>>;
const running: Running[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function start(persistPath: string): Promise<Running & { call(method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue>; faultCode(method: string, ...params: XmlRpcValue[]): Promise<number> }> {
  const server = await startSeattleSimulator({ persistPath, backendDelayMs: 0 });
  running.push(server);
  const call = async (method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue> => {
    const reply = await rawCall(server.url, method, params);
    if (!reply.ok) throw new Error(`fault ${reply.faultCode}: ${reply.faultString}`);
    return reply.value;
  };
  const faultCode = async (method: string, ...params: XmlRpcValue[]): Promise<number> => {
    const reply = await rawCall(server.url, method, params);
    return reply.ok ? 0 : reply.faultCode;
  };
  return Object.assign(server, { call, faultCode });
}

/** clearSecrets lists the secrets of `privateKey` and the default account found in a file's text. */
function clearSecrets(text: string, privateKey: string): string[] {
  const [d, p, q] = privateKey.split(' ');
  const found = { apiKey: text.includes(AUTH.api_key), password: text.includes(PWAUTH.password), d: text.includes(d!), p: text.includes(p!), q: text.includes(q!) };
  return Object.entries(found).filter(([, present]) => present).map(([name]) => name);
}

describe('Seattle simulator persistence', () => {
  it('keeps no credential in clear, and a restarted simulator still authenticates and encrypts the API key', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'seattle-persist-')), 'sim.json');
    const first = await start(path);
    const privateKey = first.sim.privateKey('alice');
    expect(await first.call('get_account_info', AUTH)).toMatchObject({ user_name: 'alice' });
    await first.close();
    expect(clearSecrets(await readFile(path, 'utf8'), privateKey)).toEqual([]);

    const again = await start(path);
    expect(await again.call('get_account_info', AUTH)).toMatchObject({ user_name: 'alice' });
    expect(await again.faultCode('get_account_info', { ...AUTH, api_key: 'WRONGKEY0123456789ABCDEFGHJKLMNP' })).toBe(101);
    const decrypted = rsaDecrypt(String(await again.call('get_encrypted_api_key', 'alice')), privateKey).split('!');
    expect(decrypted[0]).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(decrypted[1]).toBe(AUTH.api_key);
    expect(() => again.sim.privateKey('alice')).toThrow(/memory only/);
    expect(await again.faultCode('regenerate_api_key', { ...PWAUTH, password: 'wrong' })).toBe(101);
  });

  it('set_public_key after a restart encrypts the same API key for the new public key', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'seattle-persist-')), 'sim.json');
    await (await start(path)).close();
    const again = await start(path);
    const keys = generateSeattleKeyPair(512);
    expect(await again.call('set_public_key', PWAUTH, keys.publicKey)).toBe(0);
    await again.close();
    const third = await start(path);
    expect(rsaDecrypt(String(await third.call('get_encrypted_api_key', 'alice')), keys.privateKey).split('!')[1]).toBe(AUTH.api_key);
    const regenerated = String(await third.call('regenerate_api_key', PWAUTH));
    expect(await third.faultCode('get_account_info', AUTH)).toBe(101);
    expect(await third.call('get_account_info', { username: 'alice', api_key: regenerated })).toMatchObject({ user_name: 'alice' });
    expect(await readFile(path, 'utf8')).not.toContain(regenerated);
  });

  it('loads a file written with clear credentials and rewrites it without them', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'seattle-persist-')), 'sim.json');
    const keys = generateSeattleKeyPair(512);
    const legacy = {
      version: 1, seed: 1, clockMs: 0, nextSerial: 1, nodes: [],
      accounts: [{ username: 'alice', apiKey: AUTH.api_key, password: PWAUTH.password, maxVessels: 10, userPort: 63101, affiliation: 'old', publicKey: keys.publicKey, privateKey: keys.privateKey }],
    };
    await writeFile(path, JSON.stringify(legacy));
    const loaded = await start(path);
    expect(clearSecrets(await readFile(path, 'utf8'), keys.privateKey)).toEqual([]);
    expect(await loaded.call('get_account_info', AUTH)).toMatchObject({ user_name: 'alice', user_port: 63101 });
    expect(loaded.sim.privateKey('alice')).toBe(keys.privateKey);
    expect(rsaDecrypt(String(await loaded.call('get_encrypted_api_key', 'alice')), keys.privateKey).split('!')[1]).toBe(AUTH.api_key);
    expect(await loaded.call('set_public_key', PWAUTH, generateSeattleKeyPair(512).publicKey)).toBe(0);
  });
});
