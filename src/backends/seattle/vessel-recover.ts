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
import type { RecoverContext, RecoveredIntent } from '../driver.js';
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
