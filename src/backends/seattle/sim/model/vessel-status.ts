/**
 * The life of a vessel, derived from its stored facts and the clock (seattle.md §4, §7):
 *
 *   free ──acquire──▶ held ──expiresAt──▶ expired ──+backendDelay──▶ dirty ──+backendDelay──▶ free
 *                      └──────────release──────────────────────────▶ dirty ──+backendDelay──▶ free
 *
 * - `held`: listed by get_resource_info, counts against credits.
 * - `expired`: gone from get_resource_info and credits at once, but the backend has not reclaimed
 *   it yet, so `acquired_by_user` is still set: release and renew still act on it (renew brings
 *   it back; the real backend accepts this race).
 * - `dirty`: released or reclaimed, waiting for the backend to reset it; never handed out.
 * - `free`: can be acquired if its node is active.
 * The real backend loop runs about every 5 s; `backendDelayMs` stands for one loop.
 */
import type { NodeRecord } from './types.js';

export type VesselStatus = 'held' | 'expired' | 'dirty' | 'free';

export function vesselStatus(node: NodeRecord, now: number, backendDelayMs: number): VesselStatus {
  if (node.owner !== null) {
    if (now < node.expiresAt) return 'held';
    const reclaimedAt = node.expiresAt + backendDelayMs;
    if (now < reclaimedAt) return 'expired';
    return now < reclaimedAt + backendDelayMs ? 'dirty' : 'free';
  }
  return now < node.releasedAt + backendDelayMs ? 'dirty' : 'free';
}

/** acquiredBy is the vessel's `acquired_by_user` at `now`: set while held or expired-unreclaimed. */
export function acquiredBy(node: NodeRecord, now: number, backendDelayMs: number): string | null {
  const status = vesselStatus(node, now, backendDelayMs);
  return status === 'held' || status === 'expired' ? node.owner : null;
}

/** isAvailable: the real "available vessel" query (unacquired, clean, node active). */
export function isAvailable(node: NodeRecord, now: number, backendDelayMs: number): boolean {
  return node.active && vesselStatus(node, now, backendDelayMs) === 'free';
}
