/**
 * The digest identifies what a manifest set asks for, independent of how it is spread over files:
 * plans record it, and `reconcile` refuses a saved plan whose manifests changed since.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../util/json.js';
import type { Resource } from './types.js';

/**
 * digestResources is the sha256 (hex) of the canonical JSON of the resources: sorted by kind and
 * name, object keys sorted, `source` left out (moving a document between files changes nothing).
 *
 * It hashes exactly the bytes of `fingerprint(ordered)` (util/json.ts: the canonical JSON of the
 * whole array), one resource at a time: the canonical JSON of an array of objects is `[`, each
 * element's canonical JSON joined by `,`, and `]`. Serialising resource by resource lets each
 * one's sorted copy die young instead of holding all of them (and one string of every resource)
 * at once; test/manifest/digest.test.ts checks the equality.
 */
export function digestResources(resources: readonly Resource[]): string {
  const ordered = [...resources].sort((a, b) => compare(a.kind, b.kind) || compare(a.metadata.name, b.metadata.name));
  const hash = createHash('sha256').update('[');
  ordered.forEach(({ source: _source, ...rest }, i) => {
    if (i > 0) hash.update(',');
    hash.update(canonicalJson(rest));
  });
  return hash.update(']').digest('hex');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
