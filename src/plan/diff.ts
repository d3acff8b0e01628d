/**
 * diffSpecs compares a desired and an observed spec, both in a driver's normalised shape, and
 * returns the changed leaves. Objects are walked; arrays and scalars are leaves compared by
 * canonical JSON. Paths are dot-separated; hooks decide which paths are ignored and which force
 * replacement.
 */
import { canonicalJson, isJsonObject, type JsonObject, type JsonValue } from '../util/json.js';
import type { PlanHooks } from '../backends/driver.js';
import type { FieldChange } from './types.js';

export function diffSpecs(desired: JsonObject, observed: JsonObject, hooks: PlanHooks): FieldChange[] {
  const changes: FieldChange[] = [];
  walk(desired, observed, '', hooks, changes);
  return changes;
}

function walk(after: JsonValue | undefined, before: JsonValue | undefined, path: string, hooks: PlanHooks, out: FieldChange[]): void {
  if (path && matchesAny(path, hooks.ignored)) return;
  if (isJsonObject(after) && isJsonObject(before)) {
    const keys = new Set([...Object.keys(after), ...Object.keys(before)]);
    for (const key of [...keys].sort()) walk(after[key], before[key], path ? `${path}.${key}` : key, hooks, out);
    return;
  }
  if (after !== undefined && before !== undefined && canonicalJson(after) === canonicalJson(before)) return;
  if (after === undefined && before === undefined) return;
  const change: FieldChange = { path };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  if (touchesAny(path, hooks.immutable)) change.forcesReplacement = true;
  out.push(change);
}

/** matchesAny: a pattern matches a path when its segments match a prefix of the path's. */
export function matchesAny(path: string, patterns: string[]): boolean {
  const segments = path.split('.');
  return patterns.some((pattern) => {
    const parts = pattern.split('.');
    if (parts.length > segments.length) return false;
    return parts.every((part, i) => part === '*' || part === segments[i]);
  });
}

/**
 * touchesAny: a change at `path` touches an immutable pattern when the pattern covers it, or when
 * the change replaces a whole subtree that contains the pattern (e.g. a system that appears).
 */
export function touchesAny(path: string, patterns: string[]): boolean {
  if (matchesAny(path, patterns)) return true;
  const segments = path.split('.');
  return patterns.some((pattern) => {
    const parts = pattern.split('.');
    return parts.length > segments.length && segments.every((segment, i) => parts[i] === '*' || parts[i] === segment);
  });
}

/** flatten lists the leaves of a spec as [path, value] pairs, for rendering a create. */
export function flatten(spec: JsonObject, prefix = ''): Array<[string, JsonValue]> {
  const out: Array<[string, JsonValue]> = [];
  for (const key of Object.keys(spec).sort()) {
    const value = spec[key] as JsonValue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (isJsonObject(value) && Object.keys(value).length > 0) out.push(...flatten(value, path));
    else out.push([path, value]);
  }
  return out;
}
