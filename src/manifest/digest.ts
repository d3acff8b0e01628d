/**
 * The digest identifies what a manifest set asks for, independent of how it is spread over files:
 * plans record it, and `reconcile` refuses a saved plan whose manifests changed since.
 */
import { createHash } from 'node:crypto';
import type { Resource } from './types.js';

/**
 * digestResources is the sha256 (hex) of the canonical JSON of the resources: sorted by kind and
 * name, object keys sorted, `source` left out (moving a document between files changes nothing).
 */
export function digestResources(resources: readonly Resource[]): string {
  const ordered = [...resources]
    .map(({ source: _source, ...rest }) => rest)
    .sort((a, b) => compare(a.kind, b.kind) || compare(a.metadata.name, b.metadata.name));
  return createHash('sha256').update(canonicalJson(ordered)).digest('hex');
}

/** canonicalJson is JSON with object keys sorted at every level; undefined fields are omitted. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => compare(a, b));
    return Object.fromEntries(entries);
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
