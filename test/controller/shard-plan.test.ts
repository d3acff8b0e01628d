/**
 * Rebalancing decisions of `watch --sharded` replicas (pure): the fair share, what a replica
 * hands over, what it claims, and that replicas claiming at once start from different shards.
 */
import { describe, expect, it } from 'vitest';
import { fairShare, planRebalance, preferenceOrder } from '../../src/controller/replica/shard-plan.js';
import type { ShardRow } from '../../src/state/index.js';

const held = (holder: string, shards: number[], live = true): ShardRow[] => shards.map((shard) => ({ shard, holder, token: shard + 1, live }));
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('planRebalance', () => {
  const order = preferenceOrder('r1');
  const rows: Array<{ reason: string; live: number; mine: number[]; map: ShardRow[]; release: number; claim: number[] }> = [
    { reason: 'alone, it claims every shard', live: 1, mine: [], map: [], release: 0, claim: order },
    { reason: 'one of three claims its share of 22 in its own order', live: 3, mine: [], map: [], release: 0, claim: order.slice(0, 22) },
    { reason: 'holding 64 when a second replica joins, it hands 32 over', live: 2, mine: range(0, 64), map: held('r1', range(0, 64)), release: 32, claim: [] },
    { reason: 'at its fair share it does nothing', live: 2, mine: range(0, 32), map: [...held('r1', range(0, 32)), ...held('r2', range(32, 64))], release: 0, claim: [] },
    {
      reason: 'shards whose lease expired are claimed like free ones; live ones are not',
      live: 2,
      mine: range(0, 30),
      map: [...held('r1', range(0, 30)), ...held('r2', range(30, 62)), ...held('gone', [62, 63], false)],
      release: 0,
      claim: [62, 63],
    },
  ];
  for (const row of rows) {
    it(row.reason, () => {
      const plan = planRebalance({ replicaId: 'r1', live: row.live, held: row.mine, map: row.map });
      expect(plan.release).toHaveLength(row.release);
      for (const shard of plan.release) expect(row.mine).toContain(shard);
      expect(plan.claim).toEqual(row.claim.filter((s) => order.includes(s)));
    });
  }

  it('fair shares cover all 64 shards for any number of replicas', () => {
    for (let live = 1; live <= 70; live += 1) expect(fairShare(live) * live).toBeGreaterThanOrEqual(64);
    expect(fairShare(3)).toBe(22);
  });

  it('gives replicas different starting shards', () => {
    const starts = new Set(['r1', 'r2', 'r3', 'host-a:100', 'host-b:200'].map((id) => preferenceOrder(id)[0]));
    expect(starts.size).toBeGreaterThan(3);
  });
});
