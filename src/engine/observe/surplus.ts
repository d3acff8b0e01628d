/**
 * separateSurplus handles two live objects that carry one key (a copy left by a lost or late
 * reply, or by two runs that did not share state). Extras are never "converged": the one that
 * state (or a journal outcome) records is kept under the key; every other copy becomes a surplus
 * object, certainly converge's own (same owner marker, same key), which the planner proposes to
 * remove. When nothing proves which copy is converge's, none is kept: the key is contested, no
 * action is planned for it, and its resource fails until someone resolves it.
 */
import type { ObservedObject } from '../../backends/driver.js';
import type { BlockedKey, SurplusCopy } from '../../plan/plan-input.js';
import type { Intent, ObjectRecord } from '../../state/types.js';

export interface SurplusResult {
  /** objects has at most one object per key. */
  objects: ObservedObject[];
  surplus: SurplusCopy[];
  /** contested maps a key to why no copy could be kept (code DUPLICATE_OBJECTS). */
  contested: Map<string, BlockedKey>;
}

export function separateSurplus(objects: readonly ObservedObject[], records: Readonly<Record<string, ObjectRecord>>, intents: readonly Intent[]): SurplusResult {
  const groups = new Map<string, ObservedObject[]>();
  for (const o of objects) groups.set(o.key, [...(groups.get(o.key) ?? []), o]);
  const result: SurplusResult = { objects: [], surplus: [], contested: new Map() };
  for (const [key, copies] of groups) {
    if (copies.length === 1) {
      result.objects.push(copies[0]!);
      continue;
    }
    const kept = keptCopy(copies, records[key], intents.filter((i) => i.key === key));
    if (kept) result.objects.push(kept.object);
    else {
      const message = `${copies.length} live objects carry this key (${copies.map(describe).join('; ')}) and neither state nor the journal shows which one converge made; delete the extra one by hand, then run again`;
      result.contested.set(key, { code: 'DUPLICATE_OBJECTS', message });
    }
    for (const copy of copies.filter((c) => c !== kept?.object)) {
      result.surplus.push({ object: asSurplus(copy, key), of: key, ...(kept ? { kept: `${describe(kept.object)} (${kept.proof})` } : {}) });
    }
  }
  result.objects.sort((a, b) => a.key.localeCompare(b.key));
  return result;
}

function keptCopy(copies: ObservedObject[], record: ObjectRecord | undefined, intents: readonly Intent[]): { object: ObservedObject; proof: string } | undefined {
  const byState = record ? copies.filter((c) => sameIds(record.ids, c.ids)) : [];
  if (byState.length === 1) return { object: byState[0]!, proof: 'recorded in state' };
  const learned = intents.flatMap((i) => Object.values(i.outcome ?? {})).filter((v): v is string => typeof v === 'string');
  const byJournal = copies.filter((c) => Object.values(c.ids).some((id) => learned.includes(id)));
  if (byJournal.length === 1) return { object: byJournal[0]!, proof: 'its create call returned this id' };
  return undefined;
}

/** sameIds: every id both records name agrees, and they name at least one. */
function sameIds(recorded: Record<string, string>, live: Record<string, string>): boolean {
  const shared = Object.keys(recorded).filter((k) => k in live);
  return shared.length > 0 && shared.every((k) => recorded[k] === live[k]);
}

function asSurplus(copy: ObservedObject, key: string): ObservedObject {
  return {
    ...copy,
    key: `${key}#surplus-${Object.values(copy.ids)[0] ?? 'unknown'}`,
    status: { phase: 'degraded', message: `a second live copy of ${key} (${describe(copy)})` },
  };
}

function describe(o: ObservedObject): string {
  return Object.entries(o.ids).map(([k, v]) => `${k}=${v}`).join(', ');
}
