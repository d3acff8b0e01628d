/**
 * The state store contract: one suite, run against the file store and the PostgreSQL store
 * (file-store-contract.test.ts, pg-store-contract.test.ts). Each `open()` is another process's
 * view of the same state: a new store object with no memory of the others.
 */
import { describe, expect, it } from 'vitest';
import { ConvergeError } from '../../src/errors/converge-error.js';
import type { StateStoreWithTransfer } from '../../src/state/index.js';
import type { Intent, LockHandle, ObjectRecord, StateSnapshot } from '../../src/state/types.js';

/** StoreFixture opens stores on one state; `lock` sets short lease timings for takeover tests. */
export interface StoreFixture {
  open(options?: { owner?: string; lock?: { ttlMs?: number; renewMs?: number; pollMs?: number } }): StateStoreWithTransfer;
}

const stores: StateStoreWithTransfer[] = [];

/** record builds an object record for `key` (kind from its first segment). */
export function record(key: string, extra: Partial<ObjectRecord> = {}): ObjectRecord {
  return { key, kind: key.split('/')[0]!, backend: 'im-local', ids: { infId: `id-${key}` }, deletionPolicy: 'Delete', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...extra };
}

function withObjects(snapshot: StateSnapshot, keys: string[]): StateSnapshot {
  return { ...snapshot, objects: Object.fromEntries(keys.map((key) => [key, record(key)])) };
}

async function failure(promise: Promise<unknown>): Promise<ConvergeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConvergeError);
  return error as ConvergeError;
}

const intentInput = (key: string, method = 'CreateInfrastructure'): Omit<Intent, 'id' | 'status' | 'startedAt'> => ({ key, backend: 'im-local', method, target: `im-local/${key}`, context: { name: key } });

/** storeContract registers the suite for one kind of store. */
export function storeContract(name: string, fixture: () => Promise<StoreFixture>): void {
  const open = async (options?: Parameters<StoreFixture['open']>[0]): Promise<{ f: StoreFixture; store: StateStoreWithTransfer }> => {
    const f = await fixture();
    const store = f.open(options);
    stores.push(store);
    return { f, store };
  };
  const another = (f: StoreFixture, options?: Parameters<StoreFixture['open']>[0]): StateStoreWithTransfer => {
    const store = f.open(options);
    stores.push(store);
    return store;
  };
  const locked = (store: StateStoreWithTransfer, command = 'converge reconcile'): Promise<LockHandle> => store.acquire({ timeoutMs: 0, command });

  describe(`${name}: state contract`, () => {
    it('reads a fresh state, then writes with serial +1 and reads back what it wrote', async () => {
      const { f, store } = await open({ owner: 'team-a' });
      const lock = await locked(store);
      const fresh = await store.read();
      expect(fresh).toMatchObject({ formatVersion: 1, serial: 0, owner: 'team-a', objects: {} });
      expect(await store.isEmpty()).toBe(true);
      const next = { ...withObjects(fresh, ['Infrastructure/web', 'Infrastructure/web/vm/front-0']), lastApplied: { manifestsDigest: 'd1', at: '2026-01-02T00:00:00.000Z' } };
      next.objects['Infrastructure/web']!.extra = { handles: ['a', 'b'], nested: { n: 1.5, flag: true, none: null } };
      const written = await store.write(next, 0);
      expect(written).toEqual({ ...next, serial: 1 });
      expect(await another(f).read()).toEqual(written);
      expect(await store.isEmpty()).toBe(false);
      await lock.release();
    });

    it('compare-and-swap: a write that expected an older serial fails with STATE_SERIAL_CONFLICT', async () => {
      const { f, store: a } = await open();
      const lock = await locked(a);
      const base = await a.write(await a.read(), 0);
      const stale = await a.read();
      await a.write(withObjects(base, ['Infrastructure/web']), 1);
      const error = await failure(a.write(withObjects(stale, ['Infrastructure/data']), 1));
      expect(error).toMatchObject({ kind: 'CONFLICT', code: 'STATE_SERIAL_CONFLICT' });
      expect(Object.keys((await another(f).read()).objects)).toEqual(['Infrastructure/web']);
      const foreign = { ...stale, lineage: 'another-lineage' };
      expect(await failure(a.write(foreign, 2))).toMatchObject({ kind: 'CONFLICT', code: 'STATE_LINEAGE_MISMATCH' });
      await lock.release();
    });

    it('keeps exactly the objects of the last write, whichever process wrote before', async () => {
      const { f, store: a } = await open();
      const lock = await locked(a);
      let state = await a.write(withObjects(await a.read(), ['K/a', 'K/b', 'K/c']), 0);
      state = await a.write({ ...state, objects: { 'K/a': state.objects['K/a']!, 'K/c': record('K/c', { fingerprint: 'changed' }), 'K/d': record('K/d') } }, state.serial);
      expect(await another(f).read()).toEqual(state);
      await lock.release();
      const b = another(f);
      const lockB = await locked(b);
      const fromB = await b.write({ ...(await b.read()), objects: { 'K/e': record('K/e') } }, state.serial);
      expect(await another(f).read()).toEqual(fromB);
      await lockB.release();
    });

    it('journal write-ahead: an intent is durable when begin returns, and unsettled, settle and compact follow the rules', async () => {
      const { f, store } = await open();
      const lock = await locked(store);
      const j = store.journal;
      const open1 = await j.begin(intentInput('K/open'));
      expect(open1).toMatchObject({ status: 'open', key: 'K/open', context: { name: 'K/open' } });
      expect(await another(f).journal.unsettled()).toEqual([open1]); // another process sees it at once
      const done = await j.begin(intentInput('K/done'));
      await j.resolve(done.id, { status: 'done', outcome: { infId: 'i-1' } });
      const lostReply = await j.begin(intentInput('K/unknown'));
      await j.resolve(lostReply.id, { status: 'unknown', outcome: { sent: true }, error: { kind: 'TRANSIENT', code: 'XMLRPC_TIMEOUT', message: 'timed out' } });
      const failed = await j.begin(intentInput('K/failed'));
      await j.resolve(failed.id, { status: 'failed', error: { kind: 'CONFLICT', code: 'X', message: 'no' } });
      const settledOpen = await j.begin(intentInput('K/settled-open'));
      await j.settle(settledOpen.id, 'found it by marker', { infId: 'i-2' });
      const settledBlind = await j.begin(intentInput('K/settled-blind'));
      await j.settle(settledBlind.id, 'nothing found');
      const settledUnknown = await j.begin(intentInput('K/settled-unknown'));
      await j.resolve(settledUnknown.id, { status: 'unknown', outcome: { a: 1 } });
      await j.settle(settledUnknown.id, 'observed', { b: 2 });

      const reader = another(f).journal;
      expect((await reader.unsettled()).map((i) => [i.key, i.status])).toEqual([
        ['K/open', 'open'],
        ['K/unknown', 'unknown'],
      ]);
      const recent = new Map((await reader.recent()).map((i) => [i.key, i]));
      expect([...recent.keys()]).toEqual(['K/open', 'K/done', 'K/unknown', 'K/failed', 'K/settled-open', 'K/settled-blind', 'K/settled-unknown']);
      expect(recent.get('K/done')).toMatchObject({ status: 'done', outcome: { infId: 'i-1' }, endedAt: expect.any(String) });
      expect(recent.get('K/unknown')).toMatchObject({ status: 'unknown', outcome: { sent: true }, error: { code: 'XMLRPC_TIMEOUT' } });
      expect(recent.get('K/unknown')!.settledAt).toBeUndefined();
      expect(recent.get('K/settled-open')).toMatchObject({ status: 'done', outcome: { infId: 'i-2' }, note: 'found it by marker', settledAt: expect.any(String) });
      expect(recent.get('K/settled-blind')).toMatchObject({ status: 'unknown', note: 'nothing found', settledAt: expect.any(String) });
      expect(recent.get('K/settled-blind')!.outcome).toBeUndefined();
      expect(recent.get('K/settled-unknown')).toMatchObject({ status: 'unknown', outcome: { a: 1, b: 2 }, note: 'observed' });

      await j.compact();
      expect((await reader.recent()).map((i) => i.key)).toEqual(['K/open', 'K/unknown']);
      expect(await reader.unsettled()).toEqual(await reader.recent());
      await lock.release();
    });

    it('lease: names its holder, blocks a second taker (STATE_LOCKED), and passes to a waiter on release', async () => {
      const { f, store: a } = await open({ lock: { pollMs: 25 } });
      const lock = await locked(a, 'converge reconcile first');
      expect(lock.holder).toMatchObject({ pid: process.pid, command: 'converge reconcile first' });
      const b = another(f, { lock: { pollMs: 25 } });
      expect(await b.inspect()).toEqual(lock.holder);
      const error = await failure(b.acquire({ timeoutMs: 0, command: 'second' }));
      expect(error).toMatchObject({ kind: 'CONFLICT', code: 'STATE_LOCKED' });
      expect(error.message).toContain(`pid ${process.pid} (converge reconcile first)`);
      const waiting = b.acquire({ timeoutMs: 10_000, command: 'second' });
      setTimeout(() => void lock.release(), 100);
      const second = await waiting;
      expect(lock.signal.aborted).toBe(true);
      expect((lock.signal.reason as ConvergeError).code).toBe('LOCK_RELEASED');
      expect(second.signal.aborted).toBe(false);
      expect((await a.inspect())?.id).toBe(second.holder.id);
      await second.release();
      expect(await a.inspect()).toBeUndefined();
    });

    it('lease takeover after expiry: a stalled holder stops (signal) before it expires, the next taker gets it, the old one cannot write', async () => {
      const { f, store: stalled } = await open({ lock: { ttlMs: 700, renewMs: 60_000 } });
      const old = await locked(stalled, 'stalled');
      await stalled.write(await stalled.read(), 0);
      const next = another(f, { lock: { ttlMs: 30_000, pollMs: 50 } });
      const stale: string[] = [];
      const lease = await next.acquire({ timeoutMs: 10_000, command: 'next', onStaleTakeover: (holder) => stale.push(holder.command) });
      expect(stale).toEqual(['stalled']);
      expect(old.signal.aborted).toBe(true);
      expect((old.signal.reason as ConvergeError).code).toBe('LEASE_LOST');
      expect(await failure(stalled.write(await stalled.read(), 1))).toMatchObject({ kind: 'CONFLICT', code: 'LEASE_LOST' });
      expect(await failure(stalled.journal.begin(intentInput('K/x')))).toMatchObject({ code: 'LEASE_LOST' });
      expect((await next.write(await next.read(), 1)).serial).toBe(2);
      await old.release(); // never removes the new holder's lease
      expect((await next.inspect())?.id).toBe(lease.holder.id);
      await lease.release();
    });

    it('fencing: a holder whose lease was removed and taken by another cannot write state or journal', async () => {
      const { f, store: a } = await open();
      const first = await locked(a, 'first');
      await a.write(await a.read(), 0);
      const intent = await a.journal.begin(intentInput('K/a'));
      const b = another(f);
      expect((await b.breakLock())?.id).toBe(first.holder.id);
      const second = await locked(b, 'second');
      expect(first.signal.aborted).toBe(false); // it has not noticed yet: the write itself must refuse
      expect(await failure(a.write(await a.read(), 1))).toMatchObject({ kind: 'CONFLICT', code: 'LEASE_LOST' });
      expect(first.signal.aborted).toBe(true);
      expect(await failure(a.journal.resolve(intent.id, { status: 'done' }))).toMatchObject({ code: 'LEASE_LOST' });
      expect(await failure(a.journal.begin(intentInput('K/b')))).toMatchObject({ code: 'LEASE_LOST' });
      expect((await b.journal.unsettled()).map((i) => i.id)).toEqual([intent.id]);
      expect((await b.read()).serial).toBe(1);
      await second.release();
      await first.release();
    });

    it('replaceAll keeps lineage, serial, records and intents as given', async () => {
      const { f, store } = await open();
      const lock = await locked(store);
      const snapshot: StateSnapshot = { formatVersion: 1, lineage: 'lineage-x', serial: 41, owner: 'owner-x', objects: { 'K/a': record('K/a') }, lastApplied: { manifestsDigest: 'd', at: '2026-01-01T00:00:00.000Z' } };
      const intents: Intent[] = [
        { ...intentInput('K/a'), id: '0001', status: 'open', startedAt: '2026-01-01T00:00:00.000Z' },
        { ...intentInput('K/b'), id: '0002', status: 'unknown', startedAt: '2026-01-01T00:00:01.000Z', endedAt: '2026-01-01T00:00:02.000Z', outcome: { x: 1 } },
      ];
      await store.replaceAll(snapshot, intents);
      const reader = another(f);
      expect(await reader.read()).toEqual(snapshot);
      expect(await reader.journal.recent()).toEqual(intents);
      expect((await store.write(await store.read(), 41)).serial).toBe(42);
      await lock.release();
    });
  });
}

/** closeStores closes every store the suite opened (call from afterAll). */
export async function closeStores(): Promise<void> {
  await Promise.all(stores.splice(0).map((store) => store.close?.()));
}
