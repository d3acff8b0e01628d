/**
 * The digest identifies what a manifest set asks for, independent of how it is spread over files:
 * plans record it, and `reconcile` refuses a saved plan whose manifests changed since.
 */
import { fingerprint } from '../util/json.js';
import type { Resource } from './types.js';

/**
 * digestResources is the sha256 (hex) of the canonical JSON of the resources: sorted by kind and
 * name, object keys sorted, `source` left out (moving a document between files changes nothing).
 */
export function digestResources(resources: readonly Resource[]): string {
  const ordered = [...resources]
    .map(({ source: _source, ...rest }) => rest)
    .sort((a, b) => compare(a.kind, b.kind) || compare(a.metadata.name, b.metadata.name));
  return fingerprint(ordered);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
