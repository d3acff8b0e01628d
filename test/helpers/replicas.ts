/**
 * `converge watch --sharded` replicas for tests: each a real CLI process on one PostgreSQL
 * workspace, with short shard leases, and the manifests of a two-backend fleet (IM and XenAPI
 * simulators in their own processes). Also reads of the store's shard rows.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { adminQuery, type PostgresInfo } from './postgres.js';
import { startWatch, type StatusDoc, type WatchProcess } from './watch.js';

/** ReplicaDoc is /status of a sharded replica. */
export type ReplicaDoc = StatusDoc & {
  replica: { id: string; shards: number[]; releasing: number[]; liveReplicas: number; refusedWrites: { local: number; store: number } };
};

export type ReplicaProcess = WatchProcess & { id: string; replicaStatus(): Promise<ReplicaDoc> };

/** startReplica runs `converge watch DIR --sharded` with leases of `leaseS` seconds renewed every `renewS`. */
export async function startReplica(dir: string, url: string, id: string, options: { leaseS?: number; renewS?: number; args?: string[] } = {}): Promise<ReplicaProcess> {
  const lease = `${options.leaseS ?? 3}s`;
  const renew = `${options.renewS ?? 1}s`;
  const watch = await startWatch(dir, ['--state', url, '--sharded', '--replica-id', id, '--shard-lease', lease, '--shard-renew', renew, '--resync', '1h', ...(options.args ?? [])]);
  return Object.assign(watch, { id, replicaStatus: async () => (await watch.status()) as ReplicaDoc });
}

/** writeFleetBackends writes an IM and a XenAPI Backend at the given simulator URLs, with their credentials. */
export async function writeFleetBackends(dir: string, imUrl: string, xenUrl: string): Promise<void> {
  await mkdir(join(dir, 'credentials'), { recursive: true });
  await writeFile(join(dir, 'credentials', 'im-auth.dat'), 'id = im; type = InfrastructureManager; username = demo; password = demo-password\nid = dummy; type = Dummy\n');
  await writeFile(join(dir, 'credentials', 'xen.txt'), 'username = root\npassword = xenroot\n');
  await writeFile(
    join(dir, 'backends.yaml'),
    `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: im}\nspec: {type: im, url: "${imUrl}", credentials: {fromFile: credentials/im-auth.dat}, limits: {concurrency: 8}}\n---\n` +
      `apiVersion: converge/v1\nkind: Backend\nmetadata: {name: xen}\nspec: {type: xenapi, url: "${xenUrl}", credentials: {fromFile: credentials/xen.txt}, limits: {concurrency: 8}}\n`,
  );
}

/** writeFleet writes `im` IM infrastructures (one VM each) and `xen` XenAPI infrastructures (one VM each) into `file`. */
export async function writeFleet(dir: string, file: string, counts: { im: number; xen: number; from?: number; memory?: string }): Promise<string[]> {
  const from = counts.from ?? 0;
  const docs: string[] = [];
  const keys: string[] = [];
  for (let i = from; i < from + counts.im; i += 1) {
    keys.push(`Infrastructure/im-${i}`);
    docs.push(
      `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: im-${i}}\nspec:\n  backend: im\n  networks: [{name: net}]\n` +
        `  systems: [{name: node, cpu: 1, memory: 512Mi, image: "mock0://img", interfaces: [net]}]\n  deploy: {node: 1}`,
    );
  }
  for (let i = from; i < from + counts.xen; i += 1) {
    keys.push(`Infrastructure/xen-${i}`);
    docs.push(
      `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: xen-${i}}\nspec:\n  backend: xen\n` +
        `  systems: [{name: vm, cpu: 1, memory: ${counts.memory ?? '32Mi'}, image: "Other install media"}]\n  deploy: {vm: 1}`,
    );
  }
  await writeFile(join(dir, file), `${docs.join('\n---\n')}\n`);
  return keys;
}

/** shardRows reads the workspace's shard leases as the store has them. */
export function shardRows(info: PostgresInfo, schema: string): Promise<Array<{ shard: number; holder_id: string; token: string; live: boolean }>> {
  return adminQuery(info, `SELECT shard, holder_id, token, expires_at > now() AS live FROM ${schema}.shard_leases WHERE workspace = 'default' ORDER BY shard`);
}
