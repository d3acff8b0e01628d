/**
 * Folding what a pass learned into the state snapshot: ids of observed objects (so a crash
 * between a create and the state write is repaired by the next observation), fingerprints of
 * applied specs, and the removal of deleted objects. Pure functions over a snapshot copy.
 */
import type { DesiredObject } from '../backends/driver.js';
import type { ObjectRecord, StateSnapshot } from '../state/types.js';
import { fingerprint } from '../util/json.js';
import type { ActionOutcome } from './executor.js';
import type { Observation } from './observe/observe-all.js';

export function recordObservation(state: StateSnapshot, observation: Observation, desired: readonly DesiredObject[], now: Date): void {
  const desiredByKey = new Map(desired.map((d) => [d.key, d]));
  for (const observed of observation.objects) {
    const want = desiredByKey.get(observed.key);
    const existing = state.objects[observed.key];
    if (!existing && !want) continue;
    const record: ObjectRecord = {
      ...(existing ?? baseRecord(observed.key, observed.kind, observed.backend, now)),
      ids: observed.ids,
      ...(observed.extra ? { extra: observed.extra } : {}),
      ...(want ? { deletionPolicy: want.deletionPolicy } : {}),
      updatedAt: existing && sameIds(existing.ids, observed.ids) && !observed.extra ? existing.updatedAt : now.toISOString(),
    };
    // A let-go object that is desired and found (by its marker) again is managed again: pruning
    // and destroy must see it like any other.
    if (want) delete record.orphaned;
    state.objects[observed.key] = record;
  }
}

export function recordOutcomes(state: StateSnapshot, outcomes: readonly ActionOutcome[], now: Date): void {
  for (const { action, status, ids, extra } of outcomes) {
    if (status === 'failed' && extra) {
      // A failed action that changed something (PartialResultError): remember what it holds now.
      const existing = state.objects[action.key] ?? baseRecord(action.key, action.kind, action.backend, now);
      state.objects[action.key] = { ...existing, extra, updatedAt: now.toISOString() };
      continue;
    }
    if (status !== 'done' || action.action === 'noop') continue;
    if (action.action === 'delete') {
      delete state.objects[action.key];
      continue;
    }
    if (action.action === 'forget') {
      // Let go: an Orphan-policy object is remembered as orphaned so it is never touched again;
      // an external object was never ours, so nothing of it is kept.
      if (action.external) delete state.objects[action.key];
      else if (state.objects[action.key]) state.objects[action.key]!.orphaned = true;
      continue;
    }
    const existing = state.objects[action.key] ?? baseRecord(action.key, action.kind, action.backend, now);
    state.objects[action.key] = {
      ...existing,
      ids: ids ?? existing.ids,
      ...(extra ? { extra } : {}),
      fingerprint: fingerprint(action.desired ?? {}),
      deletionPolicy: action.deletionPolicy,
      updatedAt: now.toISOString(),
    };
  }
}

function baseRecord(key: string, kind: string, backend: string, now: Date): ObjectRecord {
  return { key, kind, backend, ids: {}, deletionPolicy: 'Delete', createdAt: now.toISOString(), updatedAt: now.toISOString() };
}

function sameIds(a: Record<string, string>, b: Record<string, string>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
