/**
 * describeDrift says what drifted on one object, in the manifest's terms where the normalised
 * spec allows: the changed fields as `path desired → live`, with byte sizes in binary units
 * (`2Gi`), VCPUs as `cpu`, templates as `image`. Used for the `drift-detected` log line and event.
 * Pure.
 */
import type { DesiredObject, FieldChange, ObservedObject, PlanHooks } from '../../backends/driver.js';
import { diffSpecs } from '../../plan/diff.js';
import type { JsonValue } from '../../util/json.js';

export interface DriftDescription {
  resource: string;
  /** object is the object key below its resource (`vm/front-0`), empty for a one-object resource. */
  object: string;
  fields: FieldChange[];
  /** text is the human sentence: `Infrastructure/web: vm/front-0 power running → halted, memory 2Gi → 1Gi`. */
  text: string;
}

/** MANIFEST_NAMES renames normalised spec leaves to the manifest fields they come from. */
const MANIFEST_NAMES: Readonly<Record<string, string>> = { vcpus: 'cpu', vcpusAtStartup: 'cpu', memoryMB: 'memory', memoryMin: 'memory (min)', sizeBytes: 'size', template: 'image' };
const BYTE_FIELDS = /^(memory|memoryMin|size|sizeBytes)$/;
const NO_HOOKS: PlanHooks = { immutable: [], ignored: [] };

export function describeDrift(desired: DesiredObject, observed: ObservedObject | undefined, hooks: PlanHooks = NO_HOOKS): DriftDescription {
  const object = desired.key === desired.resource ? '' : desired.key.slice(desired.resource.length + 1);
  const fields = observed ? diffSpecs(desired.spec, observed.spec, hooks) : [];
  const what = observed ? (fields.length > 0 ? fields.map(describeField).join(', ') : 'not ready') : 'missing (deleted outside converge)';
  return { resource: desired.resource, object, fields, text: `${desired.resource}: ${object ? `${object} ` : ''}${what}` };
}

function describeField(change: FieldChange): string {
  const segments = change.path.split('.');
  const leaf = segments.at(-1) ?? change.path;
  const name = [...segments.slice(0, -1), MANIFEST_NAMES[leaf] ?? leaf].join('.');
  const show = (value: JsonValue | undefined) => showValue(leaf, value);
  // Drift reads as what the field went from (the manifest's value) to what it is now (live).
  return `${name} ${show(change.after)} → ${show(change.before)}`;
}

function showValue(leaf: string, value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '(none)';
  if (typeof value === 'number' && BYTE_FIELDS.test(leaf)) return binarySize(leaf === 'memoryMB' ? value * 1_000_000 : value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** binarySize writes a byte count as the largest binary unit that divides it (`2Gi`, `512Mi`), else bytes. */
export function binarySize(bytes: number): string {
  for (const [unit, size] of [['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
