/**
 * What replicas-bench measures of each `watch --sharded` replica, beyond "all Ready": its shards
 * and resources (the balance), the backend calls and reconcile time of its share of one resync
 * (from its /metrics: converge_backend_calls_total, converge_reconcile_duration_seconds), the
 * time the others take to take over when one is killed (SIGKILL: no goodbye, its leases must
 * expire), and the PostgreSQL bytes per object.
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchCluster } from './pg-cluster.js';

export interface ReplicaDoc {
  queue: { depth: number; inFlight: number; delayed: number };
  replica: { id: string; shards: number[]; shardCount: number };
  resources: Array<{ inManifests: boolean; conditions: { Ready: { status: string } } }>;
}

export async function docs(urls: readonly string[]): Promise<ReplicaDoc[]> {
  return Promise.all(urls.map(async (u) => (await (await fetch(`${u}/status`)).json()) as ReplicaDoc));
}

export const readyOf = (d: ReplicaDoc): number => d.resources.filter((r) => r.inManifests && r.conditions.Ready.status === 'True').length;

/** MetricsSample: a replica's counters at one moment. */
export interface MetricsSample {
  calls: number;
  reconcileSeconds: number;
  reconciles: number;
}

/** sample reads the counters from a replica's Prometheus text. */
export async function sample(url: string): Promise<MetricsSample> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(name) && (l[name.length] === '{' || l[name.length] === ' '))
      .reduce((t, l) => t + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return { calls: sum('converge_backend_calls_total'), reconcileSeconds: sum('converge_reconcile_duration_seconds_sum'), reconciles: sum('converge_reconcile_duration_seconds_count') };
}

/** balanceLine says how shards and resources are spread over the replicas. */
export function balanceLine(all: readonly ReplicaDoc[]): string {
  const owned = all.map(readyOf);
  const mean = owned.reduce((a, b) => a + b, 0) / owned.length;
  const spread = all.map((d, i) => `${d.replica.id} ${d.replica.shards.length} shards / ${owned[i]} objects`).join(', ');
  return `  balance: ${spread}; largest share ${(Math.max(...owned) / mean).toFixed(2)}× the mean`;
}

/** resyncShares formats each replica's share of one resync: calls, calls per object it holds, reconciles and the mean duration of the pass that reconciled each. */
export function resyncShares(before: readonly MetricsSample[], after: readonly MetricsSample[], all: readonly ReplicaDoc[]): string {
  return all
    .map((d, i) => {
      const calls = after[i]!.calls - before[i]!.calls;
      const objects = readyOf(d);
      const busy = after[i]!.reconcileSeconds - before[i]!.reconcileSeconds;
      const reconciles = after[i]!.reconciles - before[i]!.reconciles;
      return `${d.replica.id} ${calls} calls for its ${objects} objects (${(calls / Math.max(1, objects)).toFixed(2)}/object), ${reconciles} reconciles, mean pass ${(busy / Math.max(1, reconciles)).toFixed(2)} s`;
    })
    .join('; ');
}

/**
 * takeover kills `victim` with SIGKILL and returns how long until the others hold every shard
 * again, and until every one of the N objects is Ready on one of them (NaN, with how many were,
 * when that did not happen within `timeoutMs`).
 */
export async function takeover(victim: ChildProcess, others: readonly string[], n: number, timeoutMs = 600_000): Promise<{ shardsMs: number; readyMs: number; ready: number }> {
  const started = performance.now();
  victim.kill('SIGKILL');
  let shardsMs = 0;
  for (;;) {
    const all = await docs(others).catch(() => []);
    const held = all.reduce((t, d) => t + d.replica.shards.length, 0);
    const shardCount = all[0]?.replica.shardCount ?? Infinity;
    if (!shardsMs && held >= shardCount) shardsMs = performance.now() - started;
    if (shardsMs && all.reduce((t, d) => t + readyOf(d), 0) === n && all.every((d) => d.queue.depth + d.queue.inFlight + d.queue.delayed === 0)) {
      return { shardsMs, readyMs: performance.now() - started, ready: n };
    }
    if (performance.now() - started > timeoutMs) return { shardsMs, readyMs: NaN, ready: all.reduce((t, d) => t + readyOf(d), 0) };
    await sleep(100);
  }
}

/** pgBytes: bytes per object of the workspace in PostgreSQL (object rows, journal rows, all relations on disk). */
export async function pgBytes(cluster: BenchCluster, schema: string, n: number): Promise<string> {
  const q = async (sql: string) => Number(await cluster.query(sql));
  const rows = await q(`SELECT coalesce(sum(pg_column_size(o.*)), 0) FROM ${schema}.objects o`);
  const journal = await q(`SELECT coalesce(sum(pg_column_size(j.*)), 0) FROM ${schema}.journal j`);
  const journalRows = await q(`SELECT count(*) FROM ${schema}.journal`);
  const disk = await q(`SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = '${schema}' AND c.relkind = 'r'`);
  const per = (b: number) => (b / n).toFixed(0);
  return `  PostgreSQL: object rows ${per(rows)} bytes/object, journal ${journalRows} rows ${per(journal)} bytes/object, all relations on disk ${per(disk)} bytes/object (indexes, TOAST and free space included)`;
}
