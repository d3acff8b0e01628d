/**
 * Pure edits of a snapshot for `converge state rm` and `converge state mv`. A key names one
 * object (`Infrastructure/web/vm/front-0`) or a whole resource (`Infrastructure/web`): every key
 * equal to it or below it (`Infrastructure/web/…`). Nothing here talks to a backend; the records
 * keep their ids, fingerprints and history, only their keys change or they are forgotten.
 */
import { ConvergeError } from '../errors/converge-error.js';
import type { Intent, StateSnapshot } from './types.js';

/** keysUnder lists the snapshot's keys that `key` names (itself and everything below it), sorted. */
export function keysUnder(snapshot: StateSnapshot, key: string): string[] {
  return Object.keys(snapshot.objects)
    .filter((k) => k === key || k.startsWith(`${key}/`))
    .sort();
}

/** RemoveResult is the snapshot without the removed records, and their keys. */
export interface RemoveResult {
  snapshot: StateSnapshot;
  removed: string[];
}

/** removeKeys forgets every object `key` names; none is INVALID USAGE (exit 4). */
export function removeKeys(snapshot: StateSnapshot, key: string): RemoveResult {
  const removed = existingKeys(snapshot, key);
  const objects = { ...snapshot.objects };
  for (const k of removed) delete objects[k];
  return { snapshot: { ...snapshot, objects }, removed };
}

/** RenameResult is the snapshot with the records moved, and each [old, new] key pair. */
export interface RenameResult {
  snapshot: StateSnapshot;
  renamed: Array<[string, string]>;
}

/**
 * renameKeys moves every object `from` names to the same place under `to`, changing each record's
 * `key`. It refuses (INVALID USAGE) a missing `from`, a `to` that already names objects, a change
 * of kind (the first segment) and a move into itself.
 */
export function renameKeys(snapshot: StateSnapshot, from: string, to: string): RenameResult {
  const moving = existingKeys(snapshot, from);
  if (to === from || to.startsWith(`${from}/`) || from.startsWith(`${to}/`)) throw usage(`cannot move ${from} to ${to}: one contains the other`);
  if (kindOf(from) !== kindOf(to)) throw usage(`cannot move ${from} to ${to}: the kind would change (${kindOf(from)} → ${kindOf(to)})`);
  const taken = keysUnder(snapshot, to);
  if (taken.length > 0) throw usage(`cannot move ${from} to ${to}: state already has ${taken.join(', ')}`);
  const objects = { ...snapshot.objects };
  const renamed: Array<[string, string]> = moving.map((k) => [k, `${to}${k.slice(from.length)}`]);
  for (const [oldKey, newKey] of renamed) {
    objects[newKey] = { ...objects[oldKey]!, key: newKey };
    delete objects[oldKey];
  }
  return { snapshot: { ...snapshot, objects }, renamed };
}

/**
 * refuseUnsettled throws CONFLICT STATE_INTENTS_UNSETTLED when a call of unknown outcome touches
 * one of `keys`: editing their records now could hide what that call did. A reconcile settles them.
 */
export function refuseUnsettled(unsettled: Intent[], keys: string[]): void {
  const touched = unsettled.filter((intent) => keys.includes(intent.key));
  if (touched.length === 0) return;
  throw new ConvergeError(
    'CONFLICT',
    'STATE_INTENTS_UNSETTLED',
    `${touched.map((i) => `${i.key} (${i.method}, ${i.status})`).join(', ')}: a call of unknown outcome is journaled for these keys; run converge reconcile first so observation settles it`,
    { count: touched.length },
  );
}

function existingKeys(snapshot: StateSnapshot, key: string): string[] {
  const keys = keysUnder(snapshot, key);
  if (keys.length === 0) throw usage(`state has no object ${key} (see converge state list)`);
  return keys;
}

function kindOf(key: string): string {
  return key.split('/')[0] ?? key;
}

function usage(message: string): ConvergeError {
  return new ConvergeError('INVALID', 'USAGE', message);
}
