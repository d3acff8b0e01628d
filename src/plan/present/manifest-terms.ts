/**
 * Plans speak the manifest's terms (issue 12): a change is shown under the field name and in the
 * units a user wrote, not in a driver's normalised spec. Drivers keep sizes as numbers in their
 * API's units (IM `memoryMB`, disk `sizeBytes`; XenAPI `memory` and disk `size` in bytes); this
 * module maps those paths and values back: `systems.front.memoryMB: 2147 → 4294` reads
 * `systems.front.memory: 2Gi → 4Gi`, disks read `disks[0].size: 100GB → 200GB`. Unset (null)
 * fields are left out of what is created, and shown as `(unset)` only when they change.
 * Pure, and a fallback for any path it does not know: the value as written by the driver.
 */
import { yaml } from '../../manifest/lazy-yaml.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../util/json.js';
import type { FieldChange } from '../types.js';
import { formatMegabytes, formatRate, formatSize, unitOf } from './sizes.js';

/** PresentedChange is one line of a plan: a manifest-terms label and before/after texts. */
export interface PresentedChange {
  label: string;
  before?: string;
  after?: string;
  forcesReplacement?: boolean;
}

/** SizeField names a spec key holding a number in an API's unit, the manifest key it stands for and how to write it. */
interface SizeField {
  key: string;
  term: string;
  format: (n: number) => string;
}

const bytes = (n: number): string => formatSize(n);

const SIZE_FIELDS: readonly SizeField[] = [
  { key: 'memoryMB', term: 'memory', format: formatMegabytes },
  { key: 'sizeBytes', term: 'size', format: bytes },
  { key: 'memory', term: 'memory', format: bytes },
  { key: 'memoryMin', term: 'memory (dynamic min)', format: bytes },
  { key: 'size', term: 'size', format: bytes },
  { key: 'capacityKbps', term: 'capacity', format: formatRate },
  { key: 'latencyMs', term: 'latency', format: (n) => `${n}ms` },
  { key: 'vcpus', term: 'cpu', format: String },
  { key: 'vcpusAtStartup', term: 'cpu (at startup)', format: String },
];

/** TWINS: XenAPI keeps some manifest fields twice (memory as dynamic max and min, cpu as max and at startup). */
const TWINS: ReadonlyArray<readonly [string, string]> = [
  ['memory', 'memory (dynamic min)'],
  ['cpu', 'cpu (at startup)'],
];

const sizeField = (key: string): SizeField | undefined => SIZE_FIELDS.find((f) => f.key === key);

/**
 * presentChanges turns an action's field changes into plan lines in manifest terms. `desired` is
 * the action's desired spec: where a driver keeps the exact size next to a coarser one (IM
 * `memoryBytes` beside `memoryMB`), the size reads exactly as written.
 */
export function presentChanges(changes: readonly FieldChange[], desired?: JsonObject): PresentedChange[] {
  const out = changes.map((c) => exactMemory(c, desired) ?? presentChange(c)).flat();
  // One line for a manifest field kept twice, when both copies change alike.
  return out.filter((c) => {
    const twin = TWINS.find(([, copy]) => copy === c.label);
    const main = twin && out.find((m) => m.label === twin[0]);
    return !(main && main.before === c.before && main.after === c.after);
  });
}

/**
 * exactMemory presents an IM `systems.<name>.memoryMB` change from the exact bytes the manifest
 * asks for (`memoryBytes.<name>`), and the live megabytes in the same unit: `2Gi → 4Gi`.
 */
function exactMemory(change: FieldChange, desired: JsonObject | undefined): PresentedChange[] | undefined {
  const match = /^systems\.([^.]+)\.memoryMB$/.exec(change.path);
  const exact = match && isJsonObject(desired?.memoryBytes) ? desired.memoryBytes[match[1]!] : undefined;
  if (typeof exact !== 'number') return undefined;
  const after = formatSize(exact);
  const before = typeof change.before === 'number' ? formatMegabytes(change.before, unitOf(after)) : undefined;
  return [{ label: `systems.${match![1]}.memory`, ...optional('before', before), after, ...(change.forcesReplacement ? { forcesReplacement: true } : {}) }];
}

function presentChange(change: FieldChange): PresentedChange[] {
  const forced = change.forcesReplacement ? { forcesReplacement: true } : {};
  const segments = change.path.split('.');
  const last = segments.at(-1) ?? '';
  if (Array.isArray(change.after) || Array.isArray(change.before)) {
    const lines = presentList(change.path, change.before, change.after);
    if (lines) return lines.map((l) => ({ ...l, ...forced }));
  }
  const field = sizeField(last);
  const label = field ? [...segments.slice(0, -1), field.term].join('.') : change.path;
  const text = (v: JsonValue | undefined): string | undefined => (v === undefined ? undefined : presentValue(v, field));
  if (change.before === undefined && change.after === null) return []; // an unset field that stays unset
  return [{ label, ...optional('before', text(change.before)), ...optional('after', text(change.after)), ...forced }];
}

/**
 * presentList compares two lists of records (disks) index by index and field by field:
 * `disks[0].size: 100GB → 200GB`; a record added or removed is shown whole. Lists of scalars
 * (interfaces) are left to the caller (undefined).
 */
function presentList(path: string, before: JsonValue | undefined, after: JsonValue | undefined): PresentedChange[] | undefined {
  const b = Array.isArray(before) ? before : [];
  const a = Array.isArray(after) ? after : [];
  if (![...a, ...b].every(isJsonObject) || a.length + b.length === 0) return undefined;
  const label = path.split('.').map((s) => sizeField(s)?.term ?? s).join('.');
  const out: PresentedChange[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const x = b[i];
    const y = a[i];
    if (!isJsonObject(x) || !isJsonObject(y)) {
      out.push({ label: `${label}[${i}]`, ...optional('before', x === undefined ? undefined : presentValue(x)), ...optional('after', y === undefined ? undefined : presentValue(y)) });
      continue;
    }
    for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
      const field = sizeField(key);
      const bx = x[key] === undefined ? undefined : presentValue(x[key] as JsonValue, field);
      const ay = y[key] === undefined ? undefined : presentValue(y[key] as JsonValue, field);
      if (bx !== ay) out.push({ label: `${label}[${i}].${field?.term ?? key}`, ...optional('before', bx), ...optional('after', ay) });
    }
  }
  return out;
}

/** presentValue writes one value: sizes in units, records and lists in YAML flow style without nulls. */
export function presentValue(value: JsonValue, field?: SizeField): string {
  if (value === null) return '(unset)';
  if (field && typeof value === 'number') return field.format(value);
  if (typeof value === 'string') return /^[\w./:@+-]+$/.test(value) && !/^(true|false|null|[\d.]+)$/.test(value) ? value : JSON.stringify(value);
  if (typeof value !== 'object') return String(value);
  const text = yaml().stringify(inManifestTerms(value), { collectionStyle: 'flow', lineWidth: 0 }).trim();
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** inManifestTerms renames size fields and formats their values inside records; nulls are dropped. */
function inManifestTerms(value: JsonValue): unknown {
  if (Array.isArray(value)) return value.map(inManifestTerms);
  if (!isJsonObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    const field = sizeField(key);
    out[field?.term ?? key] = field && typeof v === 'number' ? field.format(v) : inManifestTerms(v as JsonValue);
  }
  return out;
}

function optional(name: 'before' | 'after', text: string | undefined): Partial<Record<'before' | 'after', string>> {
  return text === undefined ? {} : { [name]: text };
}
