/**
 * Pool sizing per node kind. `setAvailability` is the test hook behind the `availability` option
 * and `converge.sim.seattle.setAvailability`: afterwards exactly `target[kind]` nodes of each
 * named kind are not acquired by anyone (vessels held by accounts are never touched; surplus
 * unacquired nodes are removed newest first, as if they left the testbed; missing ones are added
 * active and clean). `freeCounts` reports what can be acquired right now (active, clean, unheld).
 */
import type { SeattleStore } from './store.js';
import { NODE_KINDS, type NodeKind } from './types.js';

export type Availability = Record<NodeKind, number>;

export const DEFAULT_AVAILABILITY: Availability = { lan: 50, wan: 50, nat: 20 };

export function freeCounts(store: SeattleStore, now: number): Availability {
  const counts: Availability = { lan: 0, wan: 0, nat: 0 };
  for (const node of store.available(now)) counts[node.kind] += 1;
  return counts;
}

export function setAvailability(store: SeattleStore, target: Partial<Availability>, now: number): void {
  for (const kind of NODE_KINDS) {
    const want = target[kind];
    if (want === undefined) continue;
    if (!Number.isInteger(want) || want < 0) throw new Error(`availability.${kind} must be a whole number >= 0, got ${String(want)}`);
    const unheld = store.state.nodes.filter((n) => n.kind === kind && store.acquiredBy(n, now) === null);
    for (const node of unheld.sort((a, b) => b.serial - a.serial).slice(0, Math.max(0, unheld.length - want))) store.removeNode(node);
    for (let i = unheld.length; i < want; i++) store.addNode(kind);
  }
}
