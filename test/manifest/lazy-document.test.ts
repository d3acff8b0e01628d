/**
 * Documents the fast path reads are LazyDocument instances (issue 13, fourth round: one shape
 * for all, where object literals with getters were dictionary-mode objects). They must stay
 * lazy (no `yaml` composition for a valid document), give the node a position asks for, share
 * the file's line counter, and survive the watch cache's copies.
 */
import { describe, expect, it } from 'vitest';
import { LazyDocument } from '../../src/manifest/lazy-document.js';
import { ManifestCache } from '../../src/manifest/manifest-cache.js';
import { locate } from '../../src/manifest/manifest-document.js';
import { parseManifestFile } from '../../src/manifest/parse-manifest-file.js';

const TEXT = 'apiVersion: converge/v1\nkind: Backend\nmetadata: { name: a }\nspec: { type: im, url: embedded }\n---\n# second\napiVersion: converge/v1\nkind: Backend\nmetadata:\n  name: b\nspec:\n  type: xenapi\n  url: embedded\n';

describe('LazyDocument', () => {
  it('composes a document only when a position inside it is asked for, and finds the right one', () => {
    const { documents, diagnostics } = parseManifestFile(TEXT, 'm.yaml', '/m.yaml');
    expect(diagnostics).toEqual([]);
    expect(documents.map((d) => d instanceof LazyDocument)).toEqual([true, true]);
    const [first, second] = documents as LazyDocument[];
    expect(first!.composed).toBeUndefined();
    expect(locate(second!, [])).toEqual({ file: 'm.yaml', line: 7, col: 1 });
    expect(second!.composed).toBeUndefined(); // the root's position comes from rootOffset
    expect(locate(second!, ['metadata', 'name'])).toEqual({ file: 'm.yaml', line: 10, col: 9 });
    expect(second!.composed?.contents?.range?.[0]).toBe(second!.rootOffset);
    expect(first!.composed).toBeUndefined();
    expect(first!.lineCounter).toBe(second!.lineCounter);
    expect(first!.value).toEqual({ apiVersion: 'converge/v1', kind: 'Backend', metadata: { name: 'a' }, spec: { type: 'im', url: 'embedded' } });
  });

  it('stays lazy and separate when the watch cache copies it', () => {
    const cache = new ManifestCache();
    cache.begin(['/m.yaml']);
    const parsed = parseManifestFile(TEXT, 'm.yaml', '/m.yaml');
    cache.store('/m.yaml', TEXT, parsed);
    const reused = cache.reuse('/m.yaml', TEXT)!;
    const copy = reused.documents[1] as LazyDocument;
    expect(copy).toBeInstanceOf(LazyDocument);
    expect(copy).not.toBe(parsed.documents[1]);
    expect(copy.composed).toBeUndefined();
    copy.diagnostics.push({ severity: 'error', code: 'SCHEMA', message: 'x', file: 'm.yaml', line: 1, col: 1 });
    expect(parsed.documents[1]!.diagnostics).toEqual([]);
    expect(locate(copy, ['spec', 'type'])).toEqual({ file: 'm.yaml', line: 12, col: 9 });
  });
});
