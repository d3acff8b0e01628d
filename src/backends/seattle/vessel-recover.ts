/**
 * Recovering acquires that state never heard of (DESIGN §5; apis/seattle.md §9). The API has no
 * tags, so a vessel acquired by a call whose reply was lost, or whose handles were learned but
 * not yet written to state when the run died, would be leaked: held and paid for, owned by no
 * VesselSet. From the journal entries since the last compaction, in order:
 * - a `done` acquire carries the handles it got: adopt those still live and not recorded;
 * - an `open` or `unknown` acquire may or may not have happened. Its intent recorded the vessels
 *   held just before the call, and acquires are serialised (one at a time, under the state
 *   lock), so the vessels it added are the live, unrecorded ones that were not held before it
 *   and, when a later acquire follows, were already held before that one.
 * Vessels that cannot be attributed this way are reported, never adopted.
 */
import type { Intent } from '../../state/types.js';
import type { IntentSettlement, ObservedObject, RecoverContext, RecoveredIntent } from '../driver.js';
import type { VesselSetDetail } from './vessel-observe.js';
import { handleDigest } from './handle-digest.js';
import type { SeattleApi, VesselType } from './seattle-api.js';
import { recordedHandles } from './vessel-spec.js';

export async function recoverAcquires(api: SeattleApi, intents: readonly Intent[], ctx: RecoverContext): Promise<RecoveredIntent[]> {
  const acquires = intents.filter((i) => i.method === 'acquire_resources');
  if (acquires.length === 0) return [];
  const live = (await api.resourceInfo(ctx.signal)).map((v) => v.handle);
  const byKey = new Map(ctx.records.map((r) => [r.key, recordedHandles(r.extra)]));
  const known = new Set([...byKey.values()].flatMap((h) => Object.keys(h)));
  const results: RecoveredIntent[] = [];
  acquires.forEach((intent, index) => {
    const adopted = attributable(intent, acquires[index + 1], live).filter((h) => !known.has(h));
    if (adopted.length === 0) {
      if (intent.status === 'open') results.push({ intentId: intent.id, key: intent.key, note: `interrupted acquire_resources ${intent.target}: nothing it acquired is held` });
      return;
    }
    adopted.forEach((h) => known.add(h));
    const [type] = intent.target.split('×') as [VesselType];
    const handles = { ...(byKey.get(intent.key) ?? {}), ...Object.fromEntries(adopted.map((h) => [h, type])) };
    byKey.set(intent.key, handles);
    results.push({ intentId: intent.id, key: intent.key, note: `interrupted acquire_resources ${intent.target}: adopted ${adopted.length} vessel(s) it acquired`, extra: { handles } });
  });
  return results;
}

/** attributable lists the live handles that `intent`'s acquire added (see the file comment). */
function attributable(intent: Intent, next: Intent | undefined, live: string[]): string[] {
  if (intent.status === 'done') {
    const got = Array.isArray(intent.outcome?.handles) ? (intent.outcome!.handles as string[]) : [];
    return got.filter((h) => live.includes(h));
  }
  if (intent.status === 'failed') return [];
  const before = digests(intent);
  if (!before) return [];
  const beforeNext = next ? digests(next) : undefined;
  return live.filter((h) => !before.has(handleDigest(h)) && (beforeNext === undefined || beforeNext.has(handleDigest(h))));
}

function digests(intent: Intent): Set<string> | undefined {
  const list = intent.context?.before;
  return Array.isArray(list) ? new Set(list as string[]) : undefined;
}

/**
 * settleAcquire accounts for an acquire whose outcome is unknown: settled once its VesselSet holds
 * a vessel that was not held before the call (the apply step or recover adopted what it got);
 * until then it waits, for the backend's settle grace, so that recover (run on every pass while
 * the intent is unsettled) can adopt vessels that land late, instead of acquiring a second set.
 */
export function settleAcquire(intent: Intent, observed: readonly ObservedObject[], now: Date, graceMs: number): IntentSettlement | undefined {
  if (intent.method !== 'acquire_resources') return undefined;
  const before = digests(intent) ?? new Set<string>();
  const held = ((observed[0]?.detail as VesselSetDetail | undefined)?.vessels ?? []).filter((v) => !before.has(handleDigest(v.handle)));
  if (held.length > 0) return { verdict: 'settled', note: `acquire_resources ${intent.target}: ${intent.key} holds ${held.length} vessel(s) acquired since` };
  const waited = now.getTime() - Date.parse(intent.startedAt);
  if (waited < graceMs) return { verdict: 'waiting', message: `acquire_resources ${intent.target} has an unknown outcome; looking for its vessels before acquiring again` };
  return { verdict: 'settled', note: `acquire_resources ${intent.target}: no vessel it could have acquired appeared within ${Math.round(graceMs / 1000)}s` };
}
