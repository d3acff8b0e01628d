/**
 * `converge watch --sharded`: three replicas on one PostgreSQL workspace share 500 resources on
 * two backends (IM and XenAPI simulators in their own processes). Each resource is reconciled by
 * one replica (Ready on exactly one; in the replicas' logs no two acted on one resource within a
 * lease period; the simulators hold one object per key); a SIGKILLed replica's resources, broken
 * behind its back, are reconciled again by the others within 20 s of the kill; a replica paused
 * past its leases (SIGSTOP) writes no journal or state row under its old tokens after SIGCONT,
 * and rejoins. Short leases (5 s, renewed every second) keep it quick.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimProcess } from '../helpers/cli.js';
import { adminQuery, pgUrl, type PostgresInfo } from '../helpers/postgres.js';
import { shardRows, startReplica, writeFleet, writeFleetBackends, type ReplicaProcess } from '../helpers/replicas.js';
import { waitFor, type LogLine } from '../helpers/watch.js';
import { XmlRpcClient } from '../../src/xmlrpc/client.js';
import type { XmlRpcValue } from '../../src/xmlrpc/value.js';

const IM = Number(process.env.REPLICA_TEST_IM ?? 300);
const XEN = Number(process.env.REPLICA_TEST_XEN ?? 200);
/** LEASE_MS: the replicas' shard leases (renewed every second); no resource may see two replicas act within one. */
const LEASE_MS = 5_000;
const IM_AUTH = [{ id: 'im', type: 'InfrastructureManager', username: 'demo', password: 'demo-password' }];
const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await Promise.resolve().then(cleanup).catch(() => undefined);
});

function postgres(): PostgresInfo {
  const info = inject('postgres');
  if ('error' in info) throw new Error(info.error);
  return info as PostgresInfo;
}

/** readyOwners maps every Ready resource to the replicas whose /status lists it Ready. */
async function readyOwners(replicas: readonly ReplicaProcess[]): Promise<Map<string, string[]>> {
  const owners = new Map<string, string[]>();
  for (const r of replicas) {
    for (const res of (await r.replicaStatus()).resources) {
      if (res.inManifests && res.conditions.Ready.status === 'True') owners.set(res.key, [...(owners.get(res.key) ?? []), r.id]);
    }
  }
  return owners;
}

/** allReady waits until every key is Ready on exactly one of `replicas`. */
function allReady(replicas: readonly ReplicaProcess[], keys: readonly string[], timeoutMs: number, what: string): Promise<Map<string, string[]>> {
  return waitFor(async () => {
    const owners = await readyOwners(replicas);
    return keys.every((k) => owners.get(k)?.length === 1) && owners;
  }, timeoutMs, what);
}

/** actions lists, per resource key, which replica logged an action on it and when (at or after `since`). */
function actions(replicas: readonly ReplicaProcess[], since = 0): Map<string, Array<{ by: string; at: number }>> {
  const by = new Map<string, Array<{ by: string; at: number }>>();
  for (const r of replicas) {
    for (const line of r.logs() as LogLine[]) {
      const at = Date.parse(line.time);
      if (line.msg !== 'action-start' || at < since) continue;
      const key = String(line.key).split('/').slice(0, 2).join('/');
      by.set(key, [...(by.get(key) ?? []), { by: r.id, at }]);
    }
  }
  return by;
}

/** overlapping lists the resources two replicas acted on within `windowMs` of each other. */
function overlapping(acted: ReadonlyMap<string, ReadonlyArray<{ by: string; at: number }>>, windowMs: number): string[] {
  return [...acted].filter(([, list]) => list.some((a) => list.some((b) => a.by !== b.by && Math.abs(a.at - b.at) < windowMs))).map(([key]) => key);
}

/** simObjects counts the live IM infrastructures and XenAPI VMs per converge key. */
async function simObjects(imUrl: string, xenUrl: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const add = (key: string | undefined) => key && counts.set(key, (counts.get(key) ?? 0) + 1);
  const im = (await call(imUrl, 'converge.sim.im.dump', [])) as { infrastructures: Array<{ destroyed?: boolean; radl: string }> };
  for (const infra of im.infrastructures) if (!infra.destroyed) add(/converge\.key = '([^']*)'/.exec(infra.radl)?.[1]);
  const xen = (await call(xenUrl, 'converge.sim.xenapi.dump', [])) as { classes: { VM: Record<string, { other_config: Record<string, string> }> } };
  for (const vm of Object.values(xen.classes.VM)) add(vm.other_config['converge.key']?.split('/').slice(0, 2).join('/'));
  return counts;
}

async function call(url: string, method: string, params: XmlRpcValue[]): Promise<unknown> {
  const client = new XmlRpcClient({ url, timeoutMs: 30_000 });
  try {
    return await client.call(method, params);
  } finally {
    client.close();
  }
}

/** breakBehindItsBack destroys IM infrastructures and hard-stops XenAPI VMs of these resources. */
async function breakBehindItsBack(imUrl: string, xenUrl: string, victims: ReadonlyArray<{ key: string; ids: Record<string, string> }>): Promise<void> {
  const session = ((await call(xenUrl, 'session.login_with_password', ['root', 'xenroot'])) as { Value: string }).Value;
  for (const { key, ids } of victims) {
    if (key.includes('/im-')) await call(imUrl, 'DestroyInfrastructure', [ids.infId!, IM_AUTH]);
    else await call(xenUrl, 'VM.hard_shutdown', [session, ids.ref!]);
  }
}

describe('watch --sharded: three replicas on one PostgreSQL workspace', () => {
  it('share 500 resources one replica each, take over a SIGKILLed replica’s, and fence a paused one', async () => {
    const info = postgres();
    const url = pgUrl(info);
    const schema = new URL(url).searchParams.get('schema')!;
    const im = await startSimProcess('im', ['--backlog', '64']);
    const xen = await startSimProcess('xenapi', []);
    cleanups.push(() => im.process.kill('SIGTERM'), () => xen.process.kill('SIGTERM'));
    const dir = join(await mkdtemp(join(tmpdir(), 'converge-replicas-')), 'manifests');
    await writeFleetBackends(dir, im.url, xen.url);
    const replicas = await Promise.all(['r1', 'r2', 'r3'].map((id) => startReplica(dir, url, id, { leaseS: LEASE_MS / 1000, renewS: 1 })));
    const [r1, r2, r3] = replicas as [ReplicaProcess, ReplicaProcess, ReplicaProcess];
    for (const r of replicas) cleanups.push(() => r.stop('SIGKILL'));

    // The replicas find each other and split the 64 shards, then watch the directory (an edit
    // made while a watcher does its initial scan could be missed).
    await waitFor(async () => {
      const live = (await shardRows(info, schema)).filter((row) => row.live);
      return live.length === 64 && new Set(live.map((row) => row.holder_id)).size === 3;
    }, 20_000, 'three replicas holding all 64 shards');
    await waitFor(async () => (await Promise.all(replicas.map((r) => r.status()))).every((doc) => doc.controller.phase === 'running'), 20_000, 'the replicas running');

    // 1. 500 resources: each Ready on one replica, acted on by one replica, realized once.
    const keys = await writeFleet(dir, 'fleet.yaml', { im: IM, xen: XEN });
    await allReady(replicas, keys, 120_000, `${keys.length} resources Ready`);
    const acted = actions(replicas);
    expect(overlapping(acted, LEASE_MS)).toEqual([]);
    expect(acted.size).toBe(keys.length);
    const realized = await simObjects(im.url, xen.url);
    expect(keys.filter((k) => realized.get(k) !== 1)).toEqual([]);

    // 2. SIGKILL r3, then break what it managed: the others take its shards and repair it.
    const orphans = (await r3.replicaStatus()).resources.filter((r) => r.inManifests);
    expect(orphans.length).toBeGreaterThan(0);
    const killedAt = Date.now();
    await r3.stop('SIGKILL');
    const broken = orphans.slice(0, 40).map((r) => ({ key: r.key, ids: r.objects[0]!.ids }));
    await breakBehindItsBack(im.url, xen.url, broken);
    await allReady([r1, r2], keys, 20_000 - (Date.now() - killedAt), 'r3’s resources Ready again on r1 or r2 within 20 s of the kill');
    const repaired = actions([r1, r2], killedAt);
    expect(broken.filter((b) => !repaired.has(b.key))).toEqual([]);
    expect(overlapping(actions(replicas), LEASE_MS)).toEqual([]);

    // 3. SIGSTOP r2 while it acts (slow creates, so that calls are in flight), past its leases;
    //    r1 takes everything.
    await call(xen.url, 'converge.sim.setLatency', [1000, 'Async.VM.clone']);
    await call(im.url, 'converge.sim.setLatency', [1000, 'CreateInfrastructure']);
    const more = await writeFleet(dir, 'more.yaml', { im: 20, xen: 20, from: 1000 });
    const editedAt = Date.now();
    await waitFor(() => r2.logs().some((l) => l.msg === 'action-start' && Date.parse(l.time) >= editedAt), 20_000, 'r2 acting on the new resources');
    process.kill(r2.pid, 'SIGSTOP');
    cleanups.push(() => process.kill(r2.pid, 'SIGCONT'));
    const [{ at: stoppedAt }] = (await adminQuery<{ at: Date }>(info, 'SELECT clock_timestamp() AS at')) as [{ at: Date }];
    const oldTokens = (await shardRows(info, schema)).filter((row) => row.holder_id === 'r2').map((row) => row.token);
    expect(oldTokens.length).toBeGreaterThan(0);
    await waitFor(async () => (await shardRows(info, schema)).filter((row) => row.live && row.holder_id === 'r1').length === 64, 20_000, 'r1 holding every shard');
    await call(xen.url, 'converge.sim.setLatency', [0, 'Async.VM.clone']);
    await call(im.url, 'converge.sim.setLatency', [0, 'CreateInfrastructure']);
    process.kill(r2.pid, 'SIGCONT');
    cleanups.pop();
    await waitFor(async () => {
      const [a, b] = await Promise.all([r1.replicaStatus(), r2.replicaStatus()]);
      return a.replica.liveReplicas === 2 && b.replica.shards.length > 0 && a.replica.shards.length + b.replica.shards.length === 64;
    }, 20_000, 'r2 rejoining with a share of the shards');
    await allReady([r1, r2], [...keys, ...more], 30_000, 'every resource Ready on r1 or r2');

    // Nothing was written under r2's old tokens after it was paused; its attempts were refused.
    const stale = (table: string) => adminQuery<{ n: string }>(info, `SELECT count(*) AS n FROM ${schema}.${table} WHERE token = ANY($1::bigint[]) AND written_at > $2`, [oldTokens, stoppedAt]);
    expect(await stale('journal')).toEqual([{ n: '0' }]);
    expect(await stale('objects')).toEqual([{ n: '0' }]);
    const refused = (await r2.replicaStatus()).replica.refusedWrites;
    expect(refused.local + refused.store).toBeGreaterThan(0);
    // /status, /metrics and the status page show each replica's shards.
    const status = (await r1.replicaStatus()).replica;
    expect(status).toMatchObject({ id: 'r1', liveReplicas: 2, releasing: [] });
    const metrics = await r1.metrics();
    expect(metrics).toContain(`converge_replica_shards{replica="r1",state="held"} ${status.shards.length}`);
    expect(metrics).toContain('converge_replicas_live 2');
    const page = await (await fetch(`${r1.url}/`)).text();
    expect(page).toContain(`Holds ${status.shards.length} of 64 shards`);
    const final = await simObjects(im.url, xen.url);
    expect([...keys, ...more].filter((k) => final.get(k) !== 1)).toEqual([]);
  }, 180_000);
});
