/**
 * Attributing vessels to acquires whose reply never came (apis/seattle.md §4, §9). The API has no
 * tags, so the only evidence is what converge wrote down before each call: the digests of the
 * handles held just before it (`before`). acquire_resources is all-or-nothing, so a call that
 * landed added exactly `count` vessels, none of which were held before it. Given the live
 * handles no VesselSet records (`unclaimed`), a claim gets its vessels only when they are
 * certain:
 * - exactly `count` unclaimed handles were not held before it; or
 * - exactly `count` of those were already held when the next claim (in time) began, i.e. it
 *   landed before that one was sent.
 * and no open claim for another vessel type could have acquired any of them (vessels of one
 * type are interchangeable between claims). Claims are settled repeatedly until nothing
 * changes, so one attribution can make the next certain. Anything less certain is left
 * unattributed (and reported, never adopted).
 */
import { handleDigest } from './handle-digest.js';
import type { VesselType } from './seattle-api.js';

/** PendingAcquire is an acquire of unknown outcome whose vessels have not been seen yet (kept in state). */
export interface PendingAcquire {
  type: VesselType;
  count: number;
  /** before are the digests of the handles held just before the call. */
  before: string[];
  /** since is when the call began (ISO 8601). */
  since: string;
}

/** AcquireClaim is a pending acquire or an unsettled journal intent, with the VesselSet it is for. */
export interface AcquireClaim extends PendingAcquire {
  key: string;
}

/** ACQUIRE_MEMORY_MS: a vessel lives 4 hours unless renewed, so after that a late acquire leaves nothing. */
export const ACQUIRE_MEMORY_MS = 4 * 3600 * 1000;

export function attribute(claims: readonly AcquireClaim[], unclaimed: readonly string[]): Map<AcquireClaim, string[]> {
  const ordered = [...claims].sort((a, b) => a.since.localeCompare(b.since));
  const befores = new Map(ordered.map((c) => [c, new Set(c.before)]));
  const digests = new Map(unclaimed.map((h) => [h, handleDigest(h)]));
  const found = new Map<AcquireClaim, string[]>();
  const taken = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [index, claim] of ordered.entries()) {
      if (found.has(claim)) continue;
      const fresh = unclaimed.filter((h) => !taken.has(h) && !befores.get(claim)!.has(digests.get(h)!));
      const next = ordered.slice(index + 1).find((c) => !found.has(c));
      const landedBeforeNext = next ? fresh.filter((h) => befores.get(next)!.has(digests.get(h)!)) : [];
      const pick = fresh.length === claim.count ? fresh : landedBeforeNext.length === claim.count ? landedBeforeNext : undefined;
      // Another open claim for another vessel type that could have acquired one of them: unsure.
      // (Vessels of one type are interchangeable: which set of ours holds which changes nothing.)
      const rival = (c: AcquireClaim): boolean => c !== claim && !found.has(c) && c.type !== claim.type && (pick ?? []).some((h) => !befores.get(c)!.has(digests.get(h)!));
      if (!pick || ordered.some(rival)) continue;
      found.set(claim, pick);
      pick.forEach((h) => taken.add(h));
      changed = true;
    }
  }
  return found;
}

/** suspects lists the unclaimed handles that `claim` might have acquired (not held before it). */
export function suspects(claim: PendingAcquire, unclaimed: readonly string[]): string[] {
  const before = new Set(claim.before);
  return unclaimed.filter((h) => !before.has(handleDigest(h)));
}

/** recordedPending reads the pending acquires a VesselSet record keeps. */
export function recordedPending(extra: Record<string, unknown> | undefined): PendingAcquire[] {
  const pending = extra?.pending;
  return Array.isArray(pending) ? (pending as PendingAcquire[]).filter((p) => typeof p?.count === 'number' && Array.isArray(p.before)) : [];
}
