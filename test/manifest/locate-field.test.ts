/** locateField lets later stages point at the exact field of a loaded resource. */
import { describe, expect, it } from 'vitest';
import { loadManifests, locateField, type InfrastructureResource, type SourceLocation } from '../../src/manifest/index.js';
import { fixtureDir, shownPath } from './fixtures.js';

const dir = fixtureDir('valid');
const set = await loadManifests(dir);
const web = set.resources.find((r) => r.metadata.name === 'web') as InfrastructureResource;
const at = (line: number, col: number): SourceLocation => ({ file: shownPath(`${dir}/web.yaml`), line, col });

const rows: Array<{ path: Array<string | number>; expected: SourceLocation; reason: string }> = [
  { path: ['spec', 'systems', 0, 'memory'], expected: at(17, 15), reason: 'a manifest field name points at its value' },
  { path: ['spec', 'systems', 0, 'memoryBytes'], expected: at(17, 15), reason: 'typed names map to the manifest names' },
  { path: ['spec', 'systems', 0, 'disks', 0, 'sizeBytes'], expected: at(20, 17), reason: 'typed names work inside lists' },
  { path: ['spec', 'systems', 0, 'cpu', 'count'], expected: at(16, 7), reason: 'cpu: 2 has no count key, so the cpu entry is the answer' },
  { path: ['spec', 'systems', 1, 'cpu', 'count'], expected: at(31, 20), reason: 'cpu in object form has a count' },
  { path: ['spec', 'systems', 0, 'interfaces', 0, 'network'], expected: at(24, 11), reason: 'an interface given by name is the network' },
  { path: ['spec', 'deploy', 'db'], expected: at(39, 9), reason: 'map entries by key' },
  { path: ['spec', 'systems', 5], expected: at(14, 3), reason: 'a missing item falls back to the deepest part that exists' },
];

describe('locateField', () => {
  it.each(rows)('$reason', ({ path, expected }) => {
    expect(locateField(web, path)).toEqual(expected);
  });

  it('gives the resource source for a resource it did not load', () => {
    const copy = structuredClone(web);
    expect(locateField(copy, ['spec', 'deploy'])).toEqual(web.source);
  });
});
