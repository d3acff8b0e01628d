/**
 * Seattle VesselSets against the Clearinghouse simulator, with its clock moved by the test:
 * renewals of exactly the vessels due, re-acquisition of expired ones, the credit limit checked
 * before any call, lost acquire replies, and stale handles in batches.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { encodeCall } from '../../src/xmlrpc/codec.js';
import { join } from 'node:path';
import { startSeattleSimulator } from '../../src/backends/seattle/sim/index.js';
import { manifestDir, reconcile } from '../helpers/engine.js';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const KEY = 'TESTKEY0123456789ABCDEFGHJKLMNPQ';

type Server = Awaited<ReturnType<typeof startSeattleSimulator>>;

const backend = (url: string, settle = '15s') =>
  `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: seattle}\nspec: {type: seattle, url: "${url}", credentials: {fromFile: creds.txt}, timeouts: {settle: ${settle}}}\n`;
const vesselSet = (name: string, vessels: string, margin = '2d') =>
  `apiVersion: converge/v1\nkind: VesselSet\nmetadata: {name: ${name}}\nspec:\n  backend: seattle\n  vessels: ${vessels}\n  renewal: {margin: ${margin}}\n`;

const acquireCall = (apiKey: string): string => encodeCall('acquire_resources', [{ username: 'dana', api_key: apiKey }, { rspec_type: 'wan', number_of_nodes: 1 }]);

describe('Seattle driver', () => {
  let server: Server;
  let dir: string;
  const held = () => server.sim.dump().accounts.find((a) => a.username === 'dana')!.vessels;
  const callsSince = (seq: number) => server.sim.knobs.log.countByMethod(seq);

  beforeEach(async () => {
    server = await startSeattleSimulator({ accounts: [{ username: 'dana', apiKey: KEY, maxVessels: 10 }], backendDelayMs: 0 });
    dir = await manifestDir({ 'creds.txt': `username = dana\napi_key = ${KEY}\n`, 'backend.yaml': backend(server.url), 'v.yaml': vesselSet('m', '{wan: 2, lan: 1}') });
  });
  afterEach(async () => server.close());

  it('acquires the counts, renews the fresh 4-hour leases at once, and is idempotent', async () => {
    const first = await reconcile(dir);
    expect(first.outcome).toBe('converged');
    expect(held()).toHaveLength(3);
    const now = server.sim.knobs.clock.now();
    expect(held().every((v) => v.expiresAt - now > 6 * DAY)).toBe(true);
    const seq = server.sim.knobs.log.lastSeq;
    const again = await reconcile(dir);
    expect(again.mutatingCalls).toBe(0);
    expect(Object.keys(callsSince(seq)).sort()).toEqual(['get_account_info', 'get_resource_info']);
  });

  it('renews exactly the vessels inside the renewal margin, and calls nothing else', async () => {
    await reconcile(dir);
    server.sim.knobs.clock.advance(3 * DAY);
    await writeFile(join(dir, 'v.yaml'), vesselSet('m', '{wan: 3, lan: 1}'));
    await reconcile(dir); // one more wan vessel, leased for 7 days from now
    const fresh = held().reduce((a, b) => (a.expiresAt > b.expiresAt ? a : b));
    server.sim.knobs.clock.advance(2 * DAY + HOUR); // the 3 older ones have < 2 days left, the fresh one ~4.96
    const seq = server.sim.knobs.log.lastSeq;
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    const log = server.sim.knobs.log.since(seq);
    const renewed = log.filter((e) => e.method === 'renew_resources').flatMap((e) => e.params[1] as string[]);
    expect(renewed.sort()).toEqual(held().filter((v) => v.handle !== fresh.handle).map((v) => v.handle).sort());
    expect(log.map((e) => e.method).filter((m) => !m.startsWith('get_'))).toEqual(['renew_resources']);
  });

  it('re-acquires vessels that expired, and only those', async () => {
    await reconcile(dir);
    const before = held().map((v) => v.handle);
    server.sim.knobs.clock.advance(8 * DAY);
    expect(held()).toHaveLength(0);
    const seq = server.sim.knobs.log.lastSeq;
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    expect(held()).toHaveLength(3);
    expect(held().some((v) => before.includes(v.handle))).toBe(false);
    const mutating = server.sim.knobs.log.since(seq).map((e) => e.method).filter((m) => !m.startsWith('get_'));
    expect(mutating.sort()).toEqual(['acquire_resources', 'acquire_resources', 'renew_resources']);
  });

  it('refuses in the plan, before any call that changes anything, to go over the account limit', async () => {
    await writeFile(join(dir, 'v.yaml'), vesselSet('m', '{wan: 8, lan: 4}'));
    const seq = server.sim.knobs.log.lastSeq;
    const error = (await reconcile(dir).catch((e: unknown) => e)) as Error & { code: string };
    expect(error).toMatchObject({ code: 'PLAN_CHECK_FAILED' });
    expect(error.message).toMatch(/v\.yaml:\d+:\d+: error: VesselSet\/m asks for 12 vessel\(s\) \(lan 4, wan 8\), but account dana allows max_vessels 10/);
    expect(error.message).toMatch(/\[ACCOUNT_LIMIT\]$/);
    expect(Object.keys(callsSince(seq)).every((m) => m.startsWith('get_'))).toBe(true);
    expect(held()).toHaveLength(0);
  });

  it('adopts the vessels of an acquire whose reply was lost: exact count, nothing leaked', async () => {
    server.sim.knobs.faults.add({ method: 'acquire_resources', mode: 'lose-reply', times: 1 });
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    expect(held()).toHaveLength(3);
    expect((await reconcile(dir)).mutatingCalls).toBe(0);
  });

  it('adopts a lost acquire reply while reads around it fail transiently', async () => {
    await reconcile(dir);
    await writeFile(join(dir, 'v.yaml'), vesselSet('m', '{wan: 2, lan: 1, random: 2}'));
    server.sim.knobs.faults.add({ method: 'acquire_resources', mode: 'lose-reply', times: 1 });
    server.sim.knobs.faults.add({ method: 'get_resource_info', mode: 'http-error', httpStatus: 503, times: 1 });
    const seqBefore = server.sim.knobs.log.lastSeq;
    await reconcile(dir, { waitMs: 3000 });
    expect(held()).toHaveLength(5);
    expect(server.sim.knobs.log.since(seqBefore).filter((e) => e.method === 'acquire_resources')).toHaveLength(1);
    expect((await reconcile(dir)).mutatingCalls).toBe(0);
  });

  it('does not let one stale handle stop a renewal batch', async () => {
    await reconcile(dir);
    const [gone] = held();
    server.sim.deleteVessel(gone!.handle);
    server.sim.knobs.clock.advance(6 * DAY);
    const seq = server.sim.knobs.log.lastSeq;
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    const now = server.sim.knobs.clock.now();
    expect(held()).toHaveLength(3);
    expect(held().every((v) => v.expiresAt - now > 6 * DAY)).toBe(true);
    expect(server.sim.knobs.log.since(seq).some((e) => e.method === 'acquire_resources')).toBe(true);
  });

  it('converges with a fifth of all calls failing transiently, holding exactly what is wanted', async () => {
    server.sim.knobs.faults.add({ method: '*', mode: 'drop', fraction: 0.1 });
    server.sim.knobs.faults.add({ method: '*', mode: 'http-error', httpStatus: 503, fraction: 0.1 });
    // A dropped or refused acquire may or may not have happened: it is looked for, for the settle
    // grace, before acquiring again. A short grace keeps the test quick.
    await writeFile(join(dir, 'backend.yaml'), backend(server.url, '1s'));
    await writeFile(join(dir, 'v.yaml'), vesselSet('m', '{wan: 3, lan: 2, random: 2}'));
    const report = await reconcile(dir, { waitMs: 60_000 });
    expect(report.outcome).toBe('converged');
    expect(report.retries.length).toBeGreaterThan(0);
    server.sim.knobs.faults.clear();
    expect(held()).toHaveLength(7);
    expect((await reconcile(dir)).mutatingCalls).toBe(0);
  });

  it('adopts the vessels of an acquire that lands after the settle grace, then releases the surplus', async () => {
    // The server acts on the first acquire only after the client gave up and the grace passed:
    // converge acquires again, remembers the first call in state, and adopts what it got when it lands.
    const slowBackend = `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: seattle}\nspec: {type: seattle, url: "${server.url}", credentials: {fromFile: creds.txt}, timeouts: {call: 1s, settle: 1s}}\n`;
    await writeFile(join(dir, 'backend.yaml'), slowBackend);
    await writeFile(join(dir, 'v.yaml'), vesselSet('m', '{wan: 2}'));
    server.sim.knobs.faults.add({ method: 'acquire_resources', mode: 'delay', delayMs: 2500, times: 1 });
    const first = await reconcile(dir, { waitMs: 30_000 });
    await new Promise((r) => setTimeout(r, 2000)); // the first acquire lands now at the latest
    expect(held().length, `the late acquire landed: ${first.outcome}`).toBe(4);
    const again = await reconcile(dir);
    expect(again.outcome).toBe('converged');
    expect(held()).toHaveLength(2);
    const state = JSON.parse(await readFile(join(dir, '.converge', 'state.json'), 'utf8')) as { objects: Record<string, { extra: { handles: Record<string, string> } }> };
    expect(Object.keys(state.objects['VesselSet/m']!.extra.handles).sort()).toEqual(held().map((v) => v.handle).sort());
  }, 60_000);

  it('never calls a set converged while vessels it may have acquired cannot be attributed', async () => {
    const slowBackend = `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: seattle}\nspec: {type: seattle, url: "${server.url}", credentials: {fromFile: creds.txt}, timeouts: {call: 1s, settle: 1s}}\n`;
    await writeFile(join(dir, 'backend.yaml'), slowBackend);
    await writeFile(join(dir, 'v.yaml'), vesselSet('m', '{wan: 2}'));
    server.sim.knobs.faults.add({ method: 'acquire_resources', mode: 'drop', times: 1 });
    server.sim.knobs.faults.add({ method: 'acquire_resources', mode: 'delay', delayMs: 1500, times: 1 });
    await reconcile(dir, { waitMs: 30_000 });
    // Someone acquires one vessel on the account while converge still remembers the dropped call.
    await fetch(server.url, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: acquireCall(KEY) });
    const report = await reconcile(dir);
    expect(report.outcome).not.toBe('converged');
    expect(report.objects.find((o) => o.key === 'VesselSet/m')?.reason).toMatch(/cannot be attributed/);
  }, 60_000);

  it('turns a seattlelib private key into the API key as the official client does', async () => {
    await writeFile(join(dir, 'creds.txt'), `username = dana\nprivate_key = ${server.sim.privateKey('dana')}\n`);
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    expect(report.calls.get_encrypted_api_key).toBe(1);
    expect(held()).toHaveLength(3);
    expect(JSON.stringify(report)).not.toContain(KEY);
  });

  it('reports a private key that does not belong to the account as unauthorized', async () => {
    const other = await startSeattleSimulator({ accounts: [{ username: 'dana', apiKey: 'OTHERKEY0123456789ABCDEFGHJKLMNP' }] });
    try {
      await writeFile(join(dir, 'creds.txt'), `username = dana\nprivate_key = ${other.sim.privateKey('dana')}\n`);
      await expect(reconcile(dir, { waitMs: 2000 })).rejects.toMatchObject({ kind: 'UNAUTHORIZED', code: 'IDENTITY_REFUSED' });
      expect(held()).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('releases surplus vessels closest to expiry first, and everything on prune', async () => {
    await reconcile(dir);
    await writeFile(join(dir, 'v.yaml'), vesselSet('m', '{wan: 1, lan: 1}'));
    expect((await reconcile(dir)).outcome).toBe('converged');
    expect(held()).toHaveLength(2);
    await writeFile(join(dir, 'v.yaml'), '');
    expect((await reconcile(dir, { prune: true })).outcome).toBe('converged');
    expect(held()).toHaveLength(0);
  });
});
