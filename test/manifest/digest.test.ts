/**
 * digestResources hashes resource by resource (issue 13, third round); the digest must stay the
 * one plans saved by earlier versions recorded: the fingerprint of the whole ordered array.
 */
import { describe, expect, it } from 'vitest';
import { digestResources } from '../../src/manifest/digest.js';
import { loadManifests } from '../../src/manifest/load-manifests.js';
import type { Resource } from '../../src/manifest/types.js';
import { fingerprint } from '../../src/util/json.js';

/** The digest as computed before: one fingerprint of the sorted array without `source`. */
function digestBefore(resources: readonly Resource[]): string {
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const ordered = [...resources]
    .map(({ source: _source, ...rest }) => rest)
    .sort((a, b) => compare(a.kind, b.kind) || compare(a.metadata.name, b.metadata.name));
  return fingerprint(ordered);
}

describe('digestResources', () => {
  it('is the fingerprint of the whole ordered set, for the example manifests and subsets of them', async () => {
    const set = await loadManifests(new URL('../../manifests', import.meta.url).pathname);
    expect(set.resources.length).toBeGreaterThan(3);
    const reversed = [...set.resources].reverse();
    for (const resources of [set.resources, reversed, reversed.slice(1), set.resources.slice(0, 1), []]) {
      expect(digestResources(resources)).toBe(digestBefore(resources));
    }
    expect(digestResources(reversed)).toBe(digestResources(set.resources));
    expect(digestResources(set.resources.slice(1))).not.toBe(digestResources(set.resources));
  });

  it('keeps odd keys and values as the whole-array fingerprint does', () => {
    const odd = { kind: 'Infrastructure', metadata: { name: 'x', labels: { 10: 'a', 9: 'b', b: 'c', a: undefined } }, spec: { list: [1, undefined, null, 'é\u2028"'] }, source: { file: 'f', line: 1, col: 1 } };
    const resources = [odd, { ...odd, metadata: { name: 'a' } }] as unknown as Resource[];
    expect(digestResources(resources)).toBe(digestBefore(resources));
  });
});
