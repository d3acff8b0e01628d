/**
 * Recovering acquires that state never heard of (DESIGN §5; apis/seattle.md §9). The API has no
 * tags, so a vessel acquired by a call whose reply was lost, or whose handles were learned but
 * not yet written to state when the run died, would be leaked: held and paid for, owned by no
 * VesselSet. From the journal entries since the last compaction, in order:
 * - a `done` acquire carries the handles it got: adopt those still live and not recorded, unless
 *   a later completed release or acquire accounts for them (handles are reused: lastAcquiredBy);
 * - an `open` or `unknown` acquire may or may not have happened. Its intent recorded the vessels
 *   held just before the call; the vessels it added are attributed as vessel-attribution.ts
 *   says (exact counts only, all-or-nothing). Recover runs on every pass while such an intent
 *   is unsettled: within the settle grace it keeps looking (settleAcquire keeps the set in
 *   motion); after it, the acquire is remembered in the set's record (`remember`) and settled.
 * Vessels that cannot be attributed this way are reported, never adopted.
 */
import type { Intent } from '../../state/types.js';
import type { IntentSettlement, ObservedObject, RecoverContext, RecoveredIntent } from '../driver.js';
import type { VesselSetDetail } from './vessel-observe.js';
import { handleDigest } from './handle-digest.js';
import type { SeattleApi, VesselType } from './seattle-api.js';
import { recordedHandles } from './vessel-spec.js';
import { attribute, recordedPending, type AcquireClaim, type PendingAcquire } from './vessel-attribution.js';

export async function recoverAcquires(api: SeattleApi, intents: readonly Intent[], ctx: RecoverContext, graceMs: number): Promise<RecoveredIntent[]> {
  const acquires = intents.filter((i) => i.method === 'acquire_resources' && i.status !== 'failed');
  if (acquires.length === 0) return [];
  const live = (await api.resourceInfo(ctx.signal)).map((v) => v.handle);
  const sets = new Map(ctx.records.map((r) => [r.key, { handles: recordedHandles(r.extra), pending: recordedPending(r.extra) }]));
  const known = new Set([...sets.values()].flatMap((s) => Object.keys(s.handles)));
  const results: RecoveredIntent[] = [];
  const adopt = (intent: Intent, handles: string[], note: string): void => {
    const set = sets.get(intent.key) ?? { handles: {}, pending: [] };
    handles.forEach((h) => (known.add(h), (set.handles[h] = typeOf(intent))));
    sets.set(intent.key, set);
    results.push({ intentId: intent.id, key: intent.key, note, extra: { handles: { ...set.handles } } });
  };
  for (const [intent, handles] of lastAcquiredBy(intents)) {
    const got = handles.filter((h) => live.includes(h) && !known.has(h));
    if (got.length > 0) adopt(intent, got, `acquire_resources ${intent.target} completed but state never recorded it: adopted ${got.length} vessel(s) it acquired`);
  }
  const unsettled = acquires.filter((i) => i.status !== 'done' && i.settledAt === undefined);
  const released = releasedDigests(intents);
  const claims = new Map<AcquireClaim, Intent | undefined>();
  for (const intent of unsettled) {
    const claim = claimOf(intent, released);
    if (claim) claims.set(claim, intent);
  }
  for (const [key, set] of sets) set.pending.forEach((p) => claims.set({ ...p, key }, undefined));
  const found = attribute([...claims.keys()], live.filter((h) => !known.has(h)));
  for (const [claim, intent] of claims) {
    const handles = found.get(claim);
    if (!intent) continue; // a pending acquire of an earlier run: observe adopts it (vessel-observe.ts)
    if (handles) adopt(intent, handles, `interrupted acquire_resources ${intent.target}: adopted ${handles.length} vessel(s) it acquired`);
    else if (ctx.now.getTime() - Date.parse(intent.startedAt) >= graceMs) results.push(remember(intent, claim, sets));
  }
  return results;
}

/**
 * lastAcquiredBy replays the journal's completed acquires and releases in the order they took
 * effect, and says which acquire each handle came from last. Handles are handed out again once
 * released (apis/seattle.md §4), so a handle in an old acquire's reply may since have been
 * released and acquired again, for another set or type: only its latest acquire may claim it,
 * and none once a completed release let it go. An acquire takes effect when its reply came
 * (`endedAt`); a release may land any time after it began, so it counts from `startedAt`.
 */
function lastAcquiredBy(intents: readonly Intent[]): Map<Intent, string[]> {
  type Step = { at: string; intent: Intent; acquired?: string[]; released?: Set<string> };
  const steps: Step[] = [];
  for (const intent of intents) {
    if (intent.status !== 'done') continue;
    if (intent.method === 'acquire_resources' && Array.isArray(intent.outcome?.handles)) {
      steps.push({ at: intent.endedAt ?? intent.startedAt, intent, acquired: (intent.outcome!.handles as unknown[]).map(String) });
    } else if (intent.method === 'release_resources' && Array.isArray(intent.context?.released)) {
      steps.push({ at: intent.startedAt, intent, released: new Set((intent.context!.released as unknown[]).map(String)) });
    }
  }
  steps.sort((a, b) => a.at.localeCompare(b.at));
  const from = new Map<string, Intent>();
  const digestOf = new Map<string, string>();
  for (const step of steps) {
    step.acquired?.forEach((h) => (from.set(h, step.intent), digestOf.set(h, handleDigest(h))));
    if (step.released) for (const h of [...from.keys()]) if (step.released.has(digestOf.get(h)!)) from.delete(h);
  }
  const byIntent = new Map<Intent, string[]>();
  for (const [handle, intent] of from) byIntent.set(intent, [...(byIntent.get(intent) ?? []), handle]);
  return byIntent;
}

/**
 * remember settles an acquire whose vessels did not appear within the settle grace, so that the
 * VesselSet may acquire again, but keeps what identifies its vessels in the set's state record:
 * should the call still land, however late, observe adopts what it acquired (the surplus is then
 * released like any other), instead of leaving vessels that no state knows.
 */
function remember(intent: Intent, claim: PendingAcquire, sets: Map<string, { handles: Record<string, VesselType>; pending: PendingAcquire[] }>): RecoveredIntent {
  const set = sets.get(intent.key) ?? { handles: {}, pending: [] };
  const { type, count, before, since } = claim;
  set.pending.push({ type, count, before, since });
  sets.set(intent.key, set);
  return {
    intentId: intent.id,
    key: intent.key,
    note: `acquire_resources ${intent.target} has an unknown outcome and none of its vessels appeared; should they appear later, they are adopted`,
    extra: { handles: { ...set.handles }, pending: [...set.pending] },
  };
}

/**
 * claimOf reads an acquire intent as a claim. A handle held before the call but let go by a
 * release the journal knows of (one of ours, which may have landed while the call was in flight
 * or before a killed run's call reached the server) may have been handed to this very call, so
 * it does not count as held before.
 */
function claimOf(intent: Intent, released: ReadonlySet<string>): AcquireClaim | undefined {
  const before = intent.context?.before;
  if (!Array.isArray(before)) return undefined;
  const count = Number(intent.target.split('×')[1]);
  if (!Number.isInteger(count) || count < 1) return undefined;
  return { key: intent.key, type: typeOf(intent), count, before: before.map(String).filter((d) => !released.has(d)), since: intent.startedAt };
}

/** releasedDigests: the handles (as digests) that releases in the journal may have let go. */
function releasedDigests(intents: readonly Intent[]): Set<string> {
  const releases = intents.filter((i) => i.method === 'release_resources' && i.status !== 'failed' && Array.isArray(i.context?.released));
  return new Set(releases.flatMap((i) => (i.context!.released as unknown[]).map(String)));
}

function typeOf(intent: Intent): VesselType {
  return intent.target.split('×')[0] as VesselType;
}

function digests(intent: Intent): Set<string> | undefined {
  const list = intent.context?.before;
  return Array.isArray(list) ? new Set(list as string[]) : undefined;
}

/**
 * settleAcquire accounts for an acquire whose outcome is unknown: settled once its VesselSet holds
 * as many vessels of its type as it asked for that were not held before the call (the apply step
 * or recover adopted what it got);
 * until then it waits, for the backend's settle grace, so that recover (run on every pass while
 * the intent is unsettled) can adopt vessels that land late, instead of acquiring a second set.
 * After the grace recover settles it and keeps it as a pending acquire (see `remember`).
 */
export function settleAcquire(intent: Intent, observed: readonly ObservedObject[], now: Date, graceMs: number): IntentSettlement | undefined {
  if (intent.method !== 'acquire_resources') return undefined;
  const before = digests(intent) ?? new Set<string>();
  // All or nothing: only as many vessels of its type as it asked for, all new since the call,
  // account for it (a vessel adopted from some other call of this set must not).
  const count = Number(intent.target.split('×')[1]);
  const held = ((observed[0]?.detail as VesselSetDetail | undefined)?.vessels ?? []).filter((v) => v.type === typeOf(intent) && !before.has(handleDigest(v.handle)));
  if (held.length >= count) return { verdict: 'settled', note: `acquire_resources ${intent.target}: ${intent.key} holds ${held.length} ${typeOf(intent)} vessel(s) acquired since` };
  const waited = now.getTime() - Date.parse(intent.startedAt);
  if (waited < graceMs) return { verdict: 'waiting', message: `acquire_resources ${intent.target} has an unknown outcome; looking for its vessels before acquiring again` };
  return { verdict: 'settled', note: `acquire_resources ${intent.target}: no vessel it could have acquired appeared within ${Math.round(graceMs / 1000)}s` };
}
