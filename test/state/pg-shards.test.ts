/**
 * The PostgreSQL store's side of `watch --sharded` replicas, against a real server: shard
 * leases with growing fencing tokens, object and journal writes fenced by the shard of their key
 * (a stale token is refused by the store and counted), replicas seeing only their shards'
 * intents, the serial bumped without conflicts, and a single writer and replicas never sharing
 * a workspace.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ConvergeError } from '../../src/errors/converge-error.js';
import { createStateStore, shardOfKey, shardOfResource, type ObjectRecord, type ShardedStateStore, type ShardFence, type ShardLease } from '../../src/state/index.js';
import { PgStateStore } from '../../src/state/pg/pg-store.js';
import { resourceOfKey } from '../../src/state/shards/shard-of.js';
import { resourceKeyOf } from '../../src/engine/scope.js';
import { adminQuery, pgUrl, type PostgresInfo } from '../helpers/postgres.js';

const opened: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.all(opened.map((o) => o.close().catch(() => undefined)));
});

function postgres(): PostgresInfo {
  const info = inject('postgres');
  if ('error' in info) throw new Error(info.error);
  return info as PostgresInfo;
}

function replica(url: string, id: string, ttlMs = 60_000): ShardedStateStore {
  const store = createStateStore({ url }) as PgStateStore;
  const sharded = store.sharded({ replicaId: id, timings: { ttlMs, renewMs: ttlMs / 3 } });
  opened.push(sharded);
  return sharded;
}

/** fenceOf presents exactly the tokens given, stale or not, so that the store itself must judge them. */
function fenceOf(replicaId: string, leases: readonly ShardLease[]): ShardFence & { refusals: string[] } {
  const refusals: string[] = [];
  const byShard = new Map(leases.map((l) => [l.shard, l.token]));
  return {
    replicaId,
    refusals,
    tokenFor: (shard) => byShard.get(shard),
    tokens: () => [...byShard.values()],
    held: () => [...byShard.keys()],
    refused: (shards, where) => void refusals.push(`${where}:${shards.join(',')}`),
  };
}

const record = (key: string, id: string): ObjectRecord => ({ key, kind: 'Infrastructure', backend: 'im', ids: { infId: id }, deletionPolicy: 'Delete', createdAt: 't', updatedAt: 't' });

/** keysIn returns `count` resource keys that fall in `shard`. */
function keysIn(shard: number, count: number): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i += 1) if (shardOfResource(`Infrastructure/r${i}`) === shard) keys.push(`Infrastructure/r${i}`);
  return keys;
}

async function failure(promise: Promise<unknown>): Promise<ConvergeError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConvergeError);
  return error as ConvergeError;
}

describe('shards', () => {
  it('places a key by its resource: every object of a resource is in one shard, and the hash is stable', () => {
    expect(shardOfKey('Infrastructure/web/vm/front-0')).toBe(shardOfResource('Infrastructure/web'));
    expect(shardOfKey('Infrastructure/web#duplicate-7')).toBe(shardOfResource('Infrastructure/web'));
    for (const key of ['Infrastructure/web', 'Infrastructure/web/vm/front-0', 'Infrastructure/web#duplicate-1/x', 'VesselSet/pool/vessels', 'recover/xen', 'odd']) {
      expect(resourceOfKey(key), key).toBe(resourceKeyOf(key));
    }
    // The first 32 bits of sha256, mod 64: the same on every host and converge version.
    expect([shardOfResource('Infrastructure/web'), shardOfResource('VesselSet/pool'), shardOfResource('Slice/demo')]).toEqual([0, 14, 40]);
  });
});

describe('PostgreSQL store: shard leases and fencing', () => {
  it('hands a shard to one replica at a time, with a new, larger token after expiry', async () => {
    const url = pgUrl(postgres());
    const [a, b] = [replica(url, 'a', 400), replica(url, 'b', 400)];
    await a.join({ timeoutMs: 0, command: 'a' });
    await b.join({ timeoutMs: 0, command: 'b' });
    const [first] = await a.claim([5]);
    expect(first).toMatchObject({ shard: 5 });
    expect(await b.claim([5])).toEqual([]); // live: not b's to take
    await a.heartbeat(undefined);
    expect((await b.heartbeat(undefined)).map((m) => [m.id, m.shards])).toEqual([['a', [5]], ['b', []]]);
    await sleep(500);
    const [second] = await b.claim([5]);
    expect(second!.token).toBeGreaterThan(first!.token);
    expect(await a.renew([first!.token])).toEqual([]); // a's renewal finds it gone
  });

  it('fences object writes per shard: a stale token is refused by the store, counted, and nothing is written', async () => {
    const info = postgres();
    const url = pgUrl(info);
    const schema = new URL(url).searchParams.get('schema')!;
    const [a, b] = [replica(url, 'a', 400), replica(url, 'b', 400)];
    await a.join({ timeoutMs: 0, command: 'a' });
    await b.join({ timeoutMs: 0, command: 'b' });
    await a.header(undefined);
    const leasesA = await a.claim([1, 2]);
    const [k1] = keysIn(1, 1);
    const [k2] = keysIn(2, 1);
    const serial = await a.writeObjects([{ key: k1!, record: record(k1!, 'x') }, { key: k2!, record: record(k2!, 'y') }], fenceOf('a', leasesA));
    await sleep(500);
    const leasesB = await b.claim([2]);
    const staleFence = fenceOf('a', leasesA);
    const refused = await failure(a.writeObjects([{ key: k1!, record: record(k1!, 'x2') }, { key: k2!, record: record(k2!, 'stale') }], staleFence));
    expect(refused).toMatchObject({ kind: 'CONFLICT', code: 'SHARD_LEASE_LOST' });
    expect(staleFence.refusals).toEqual(['store:1,2']);
    expect(await b.readObjects([2])).toEqual({ [k2!]: record(k2!, 'y') });
    const after = await b.writeObjects([{ key: k2!, record: record(k2!, 'by-b') }], fenceOf('b', leasesB));
    expect(after).toBe(serial + 1); // the refused write bumped nothing
    const counted = await adminQuery<{ holder_id: string; shard: number; count: string }>(info, `SELECT holder_id, shard, count FROM ${schema}.fence_rejections ORDER BY shard`);
    expect(counted).toEqual([
      { holder_id: 'a', shard: 1, count: '1' },
      { holder_id: 'a', shard: 2, count: '1' },
    ]);
    const rows = await adminQuery<{ key: string; shard: number; token: string }>(info, `SELECT key, shard, token FROM ${schema}.objects WHERE key = $1`, [k2]);
    expect(rows).toEqual([{ key: k2, shard: 2, token: String(leasesB[0]!.token) }]);
  });

  it('fences the journal by the shard of each intent, and shows each replica only its shards’ intents', async () => {
    const info = postgres();
    const url = pgUrl(info);
    const [a, b] = [replica(url, 'a', 400), replica(url, 'b', 400)];
    await a.join({ timeoutMs: 0, command: 'a' });
    await b.join({ timeoutMs: 0, command: 'b' });
    const [leaseA] = await a.claim([3]);
    const [leaseB] = await b.claim([4]);
    const [ka] = keysIn(3, 1);
    const [kb] = keysIn(4, 1);
    const journalA = a.journal(fenceOf('a', [leaseA!]));
    const journalB = b.journal(fenceOf('b', [leaseB!]));
    const mine = await journalA.begin({ key: `${ka}/vm/x`, backend: 'im', method: 'Create', target: 't' });
    await journalB.begin({ key: kb!, backend: 'im', method: 'Create', target: 't' });
    expect((await journalA.unsettled()).map((i) => i.id)).toEqual([mine.id]);
    expect(await failure(journalA.begin({ key: kb!, backend: 'im', method: 'Create', target: 't' }))).toMatchObject({ code: 'SHARD_LEASE_LOST' }); // not held: refused locally
    await sleep(500);
    const [taken] = await b.claim([3]);
    expect(await failure(journalA.resolve(mine.id, { status: 'done' }))).toMatchObject({ code: 'SHARD_LEASE_LOST' });
    const journalB2 = b.journal(fenceOf('b', [leaseB!, taken!]));
    expect((await journalB2.unsettled()).map((i) => i.key).sort()).toEqual([kb!, `${ka}/vm/x`].sort());
    await journalB2.settle(mine.id, 'observed present');
    const schema = new URL(url).searchParams.get('schema')!;
    const rows = await adminQuery<{ shard: number; token: string; holder_id: string; status: string }>(info, `SELECT shard, token, holder_id, status FROM ${schema}.journal WHERE id = $1`, [mine.id]);
    expect(rows).toEqual([{ shard: 3, token: String(taken!.token), holder_id: 'b', status: 'unknown' }]);
  });

  it('keeps a single writer and replicas apart: each is refused while the other is live', async () => {
    const url = pgUrl(postgres());
    const single = createStateStore({ url });
    opened.push({ close: () => single.close!() });
    const lock = await single.acquire({ timeoutMs: 0, command: 'converge reconcile' });
    const r = replica(url, 'late-replica');
    expect(await failure(r.join({ timeoutMs: 0, command: 'converge watch --sharded' }))).toMatchObject({ code: 'STATE_LOCKED' });
    await lock.release();
    await r.join({ timeoutMs: 0, command: 'converge watch --sharded' });
    const blocked = await failure(single.acquire({ timeoutMs: 0, command: 'converge reconcile' }));
    expect(blocked).toMatchObject({ code: 'STATE_LOCKED' });
    expect(blocked.message).toContain('converge watch --sharded');
    await r.leave();
    (await single.acquire({ timeoutMs: 0, command: 'converge reconcile' })).release();
  });
});
