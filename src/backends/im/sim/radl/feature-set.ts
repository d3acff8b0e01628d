/**
 * FeatureSet operations with the semantics of radl's `Features` class: numbers become intervals
 * that narrow when a name repeats (disjoint ranges are an error), strings keep the first value
 * unless told to replace, `contains` merges applications by name, soft groups accumulate.
 */
import { pyRepr } from '../python.js';
import { formatFeature } from './format-feature.js';
import { baseNumber, featureValue, type ScalarValue } from './units.js';
import {
  RadlError,
  SOFT_PROP,
  isSoft,
  type Feature,
  type FeatureItem,
  type FeatureSet,
  type PropEntry,
  type SoftFeatures,
} from './types.js';

export type ConflictMode = 'error' | 'ignore' | 'me' | 'other';

/** buildFeatureSet is `Features(features)`: every item added with conflict="error". */
export function buildFeatureSet(items: readonly FeatureItem[]): FeatureSet {
  const set: FeatureSet = { entries: [] };
  for (const item of items) addFeature(set, item, 'error');
  return set;
}

export function findEntry(set: FeatureSet, prop: string): PropEntry | undefined {
  return set.entries.find((e) => e.prop === prop);
}

function putEntry(set: FeatureSet, entry: PropEntry): void {
  const index = set.entries.findIndex((e) => e.prop === entry.prop);
  if (index >= 0) set.entries[index] = entry;
  else set.entries.push(entry);
}

/** addFeature is Features.addFeature(f, conflict, missing="other"). */
export function addFeature(set: FeatureSet, item: FeatureItem, conflict: ConflictMode): void {
  if (isSoft(item)) return addSoft(set, item);
  if (item.value.kind === 'number') return addNumber(set, item, conflict);
  if (item.op === 'contains') return addApplication(set, item, conflict);
  const current = findEntry(set, item.prop);
  if (!current || conflict === 'other') return putEntry(set, { kind: 'simple', prop: item.prop, feature: item });
  if (current.kind === 'simple' && conflict === 'error' && !sameValue(current.feature, item)) {
    throw new RadlError(
      `Conflict adding \`${formatFeature(item)}\` because \`${formatFeature(current.feature)}\` is already set and conflict is error`,
      item.line,
    );
  }
}

function addSoft(set: FeatureSet, soft: SoftFeatures): void {
  const current = findEntry(set, SOFT_PROP);
  if (current?.kind === 'soft') current.items.push(soft);
  else putEntry(set, { kind: 'soft', prop: SOFT_PROP, items: [soft] });
}

function addNumber(set: FeatureSet, feature: Feature, conflict: ConflictMode): void {
  const next: Interval =
    feature.op === '=' ? [feature, feature] : feature.op.startsWith('<') ? [null, feature] : [feature, null];
  const current = findEntry(set, feature.prop);
  const before: Interval = current?.kind === 'interval' ? [current.lo, current.hi] : [null, null];
  let merged: Interval | null;
  try {
    merged = applyInterval(before, next, conflict);
  } catch (error) {
    const involved = `[${before.map((f) => pyRepr(f ? formatFeature(f) : 'None')).join(', ')}]`;
    throw new RadlError(`${(error as Error).message}. Involved features: ${involved}`, feature.line);
  }
  if (merged) putEntry(set, { kind: 'interval', prop: feature.prop, lo: merged[0], hi: merged[1] });
}

type Interval = [Feature | null, Feature | null];

const MIN_INT = -(2 ** 63);

/** applyInterval is Features._applyInter: the restriction of the first interval by the second. */
function applyInterval(first: Interval, second: Interval, conflict: ConflictMode): Interval | null {
  const i0 = first.map((f) => (f ? baseNumber(f) : MIN_INT));
  const i1 = second.map((f) => (f ? baseNumber(f) : MIN_INT));
  const [a0 = MIN_INT, a1 = MIN_INT] = i0;
  const [b0 = MIN_INT, b1 = MIN_INT] = i1;
  const le00 = a0 <= b0;
  const le01 = b1 === MIN_INT || a0 <= b1;
  const le11 = b1 === MIN_INT || (a1 !== MIN_INT && a1 <= b1);
  const ge00 = !le00 || a0 === b0;
  const ge10 = a1 === MIN_INT || a1 >= b0;
  if (le00 && ge10 && le11) return [second[0], first[1]];
  if (le00 && ge10 && !le11) return second;
  if (ge00 && le01 && le11) return first;
  if (ge00 && le01 && !le11) return [first[0], second[1]];
  if (conflict === 'me') return first;
  if (conflict === 'other') return second;
  if (conflict === 'error') throw new Error('Disjoint intervals!');
  return null;
}

function addApplication(set: FeatureSet, feature: Feature, conflict: ConflictMode): void {
  if (feature.value.kind !== 'features') return;
  const nameValue = getValue(feature.value.set, 'name');
  const name = typeof nameValue === 'string' ? nameValue : null;
  const current = findEntry(set, feature.prop);
  const apps = current?.kind === 'apps' ? current.apps : [];
  const existing = apps.find((a) => a.name === name);
  if (existing && existing.feature.value.kind === 'features') {
    const merged = structuredClone(existing.feature);
    const inner = merged.value as { kind: 'features'; set: FeatureSet };
    for (const f of flattenFeatures(feature.value.set)) addFeature(inner.set, f, conflict);
    existing.feature = merged;
  } else {
    apps.push({ name, feature });
  }
  if (current?.kind !== 'apps') putEntry(set, { kind: 'apps', prop: feature.prop, apps });
}

function sameValue(a: Feature, b: Feature): boolean {
  return JSON.stringify(a.value) === JSON.stringify(b.value);
}

/** flattenFeatures is `Features.features`: the order IM prints and checks them in. */
export function flattenFeatures(set: FeatureSet): FeatureItem[] {
  const out: FeatureItem[] = [];
  for (const entry of set.entries) {
    if (entry.kind === 'simple') out.push(entry.feature);
    else if (entry.kind === 'apps') out.push(...entry.apps.map((a) => a.feature));
    else if (entry.kind === 'soft') out.push(...entry.items);
    else if (entry.lo && entry.hi && singlePoint(entry.lo, entry.hi)) out.push(entry.lo);
    else for (const f of [entry.lo, entry.hi]) if (f) out.push(f);
  }
  return out;
}

function singlePoint(lo: Feature, hi: Feature): boolean {
  return baseNumber(lo) === baseNumber(hi) && lo.op === '=' && hi.op === '=';
}

/** getFeature is Features.getFeature: the lower bound first for intervals. */
export function getFeature(set: FeatureSet, prop: string): Feature | undefined {
  const entry = findEntry(set, prop);
  if (!entry) return undefined;
  if (entry.kind === 'simple') return entry.feature;
  if (entry.kind === 'interval') return entry.lo ?? entry.hi ?? undefined;
  return undefined;
}

/** getValue is Features.getValue for simple and numeric properties (undefined if absent). */
export function getValue(set: FeatureSet, prop: string): ScalarValue | undefined {
  const feature = getFeature(set, prop);
  if (!feature) return undefined;
  return featureValue(feature).value ?? undefined;
}

export function hasFeature(set: FeatureSet, prop: string): boolean {
  return findEntry(set, prop) !== undefined;
}

/**
 * setValue is Features.setValue: numbers turn an open interval into a closed one (both ends the
 * same feature, which is why IM then prints `cpu.count >= 2` twice); strings replace the value
 * in place, keeping the property's position.
 */
export function setValue(set: FeatureSet, prop: string, value: string | number, unit = ''): void {
  const entry = findEntry(set, prop);
  if (typeof value === 'number') {
    const numeric = { kind: 'number' as const, num: value, float: !Number.isInteger(value) };
    if (entry?.kind === 'interval') {
      const shared = entry.lo ?? entry.hi;
      if (!shared) return;
      shared.value = numeric;
      shared.unit = unit;
      entry.lo = shared;
      entry.hi = shared;
      return;
    }
    const feature: Feature = { prop, op: '=', value: numeric, unit, line: null };
    return putEntry(set, { kind: 'interval', prop, lo: feature, hi: feature });
  }
  if (entry?.kind === 'simple') {
    entry.feature.value = { kind: 'string', text: value };
    entry.feature.unit = unit;
    return;
  }
  if (entry?.kind === 'interval') throw new Error("'tuple' object has no attribute 'value'");
  putEntry(set, { kind: 'simple', prop, feature: { prop, op: '=', value: { kind: 'string', text: value }, unit, line: null } });
}

export function delValue(set: FeatureSet, prop: string): void {
  set.entries = set.entries.filter((e) => e.prop !== prop);
}
