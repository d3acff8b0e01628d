/**
 * The replica gauges on /metrics (`watch --sharded`): which replica this is, how many shards it
 * holds (and hands over), how many replicas are live, and how many writes were refused because
 * their shard was lost. Read from the replica at scrape time.
 */
import { Gauge, type Registry } from 'prom-client';
import type { ReplicaStatus } from './replica.js';

/** registerReplicaMetrics adds the replica gauges to `registry`. */
export function registerReplicaMetrics(registry: Registry, status: () => ReplicaStatus): void {
  const registers = [registry];
  new Gauge({
    name: 'converge_replica_shards',
    help: 'Shards this replica holds, by state (held: worked on; releasing: being handed over).',
    labelNames: ['replica', 'state'],
    registers,
    collect() {
      const s = status();
      this.reset();
      this.set({ replica: s.id, state: 'held' }, s.shards.length);
      this.set({ replica: s.id, state: 'releasing' }, s.releasing.length);
    },
  });
  new Gauge({ name: 'converge_replicas_live', help: 'Live replicas of this workspace (membership not expired).', registers, collect() { this.set(status().liveReplicas); } });
  new Gauge({ name: 'converge_shards', help: 'Shards the workspace resources are spread over (a gauge: no _total suffix).', registers, collect() { this.set(status().shardCount); } });
  new Gauge({
    name: 'converge_replica_refused_writes',
    help: 'State and journal writes refused because their shard lease was lost, by where (local: before sending; store: by PostgreSQL).',
    labelNames: ['where'],
    registers,
    collect() {
      const s = status();
      this.set({ where: 'local' }, s.refusedWrites.local);
      this.set({ where: 'store' }, s.refusedWrites.store);
    },
  });
}
