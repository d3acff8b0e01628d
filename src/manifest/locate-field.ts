/**
 * Keeps the parsed YAML of each loaded resource so that later stages (the planner, drivers) can
 * report a problem at the exact field: `locateField(resource, ['spec', 'systems', 0, 'memory'])`.
 * Held in a WeakMap keyed by the resource object, so it costs nothing once resources are dropped
 * and never leaks into plans or state (resources stay plain data).
 */
import type { Document, LineCounter } from 'yaml';
import type { FieldPath } from './field-path.js';
import { locateOffset, positionOf } from './node-location.js';
import type { Resource, SourceLocation } from './types.js';

/** ResourceSource: a ManifestDocument, whose `doc` may be composed only when first read here. */
interface ResourceSource {
  readonly file: string;
  readonly doc: Document;
  readonly lineCounter: LineCounter;
}

const sources = new WeakMap<Resource, ResourceSource>();

/** Typed field names that differ from the manifest's (memoryBytes is written `memory`). */
const TYPED_NAMES: Readonly<Record<string, string>> = {
  memoryBytes: 'memory',
  sizeBytes: 'size',
  callMs: 'call',
  connectMs: 'connect',
  marginMs: 'margin',
};

/** rememberSource records where a resource was loaded from (loader only). */
export function rememberSource(resource: Resource, source: ResourceSource): void {
  sources.set(resource, source);
}

/**
 * locateField returns file:line:col of the field at `path` (manifest or typed names) in the
 * document the resource was loaded from, or of the deepest part of the path that exists there
 * (`cpu.count` for `cpu: 2` points at the 2). A resource that was not loaded by loadManifests
 * (built in a test, read back from a plan) gives its `source`.
 */
export function locateField(resource: Resource, path: FieldPath): SourceLocation {
  const source = sources.get(resource);
  if (source === undefined) return { ...resource.source };
  const { line, col } = positionOf(source.lineCounter, locateOffset(source.doc, path, 'value', TYPED_NAMES));
  return { file: source.file, line, col };
}
