/**
 * Watch mode reloads the manifests with a ManifestCache: only files whose content changed are
 * parsed and checked again, deleted and renamed files are dropped, and the set is the one a load
 * without the cache gives (resources, diagnostics, digest), cross-file checks included.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../src/manifest/load-manifests.js';
import { ManifestCache } from '../../src/manifest/manifest-cache.js';
import type { ManifestSet } from '../../src/manifest/types.js';
import { BACKEND_YAML, tempTree } from './fixtures.js';

const FILES = 12;

function infrastructure(name: string, count: number): string {
  return `apiVersion: converge/v1\nkind: Infrastructure\nmetadata:\n  name: ${name}\nspec:\n  backend: im\n  networks: [{name: lan}]\n` +
    `  systems:\n    - name: node\n      cpu: 1\n      memory: 1Gi\n      image: one://one.example.org/1\n      interfaces: [lan]\n  deploy: {node: ${count}}\n`;
}

async function tree(): Promise<string> {
  const files: Record<string, string> = { 'backend.yaml': BACKEND_YAML };
  for (let i = 0; i < FILES; i += 1) files[`infra-${i}.yaml`] = infrastructure(`app-${i}`, 1);
  return tempTree(files);
}

/** same: the cached load must equal a load from scratch, field by field. */
async function expectSameAsUncached(dir: string, cached: ManifestSet): Promise<void> {
  const fresh = await loadManifests(dir);
  expect(cached.resources).toEqual(fresh.resources);
  expect(cached.diagnostics).toEqual(fresh.diagnostics);
  expect(cached.digest).toBe(fresh.digest);
}

describe('ManifestCache (watch mode reloads)', () => {
  it('parses again only the file that was edited, and the set reflects the edit', async () => {
    const dir = await tree();
    const cache = new ManifestCache();
    await loadManifests(dir, { cache });
    expect(cache.lastLoad.parsed).toHaveLength(FILES + 1);

    const unchanged = await loadManifests(dir, { cache });
    expect(cache.lastLoad.parsed).toEqual([]);
    expect(cache.lastLoad.reused).toHaveLength(FILES + 1);
    await expectSameAsUncached(dir, unchanged);

    await writeFile(join(dir, 'infra-7.yaml'), infrastructure('app-7', 3));
    const edited = await loadManifests(dir, { cache });
    expect(cache.lastLoad.parsed).toEqual([join(dir, 'infra-7.yaml')]);
    expect(cache.lastLoad.reused).toHaveLength(FILES);
    const app7 = edited.resources.find((r) => r.metadata.name === 'app-7');
    expect(app7?.kind === 'Infrastructure' && app7.spec.deploy).toEqual({ node: 3 });
    await expectSameAsUncached(dir, edited);
  });

  it('drops deleted and renamed files: their resources are gone, the renamed file is parsed anew', async () => {
    const dir = await tree();
    const cache = new ManifestCache();
    await loadManifests(dir, { cache });
    await rm(join(dir, 'infra-3.yaml'));
    await rename(join(dir, 'infra-5.yaml'), join(dir, 'moved-5.yaml'));
    const set = await loadManifests(dir, { cache });
    expect(cache.lastLoad.dropped.sort()).toEqual([join(dir, 'infra-3.yaml'), join(dir, 'infra-5.yaml')]);
    expect(cache.lastLoad.parsed).toEqual([join(dir, 'moved-5.yaml')]);
    expect(set.resources.map((r) => r.metadata.name)).not.toContain('app-3');
    expect(set.resources.find((r) => r.metadata.name === 'app-5')?.source.file).toMatch(/moved-5\.yaml$/);
    await expectSameAsUncached(dir, set);
  });

  it('keeps every diagnostic: a cached file with an error, and a new file that clashes with a cached one', async () => {
    const dir = await tree();
    const cache = new ManifestCache();
    await writeFile(join(dir, 'infra-2.yaml'), infrastructure('app-2', 1).replace('memory: 1Gi', 'memory: 1 gigabyte'));
    const first = await loadManifests(dir, { cache });
    expect(first.diagnostics.map((d) => d.code)).toContain('BAD_UNIT');
    await writeFile(join(dir, 'zz-clash.yaml'), infrastructure('app-4', 2));
    const second = await loadManifests(dir, { cache });
    expect(cache.lastLoad.parsed).toEqual([join(dir, 'zz-clash.yaml')]);
    expect(second.diagnostics.map((d) => d.code).sort()).toEqual(['BAD_UNIT', 'DUPLICATE_NAME']);
    await expectSameAsUncached(dir, second);
    // The clash is reported once per load, not once more for every load that reused the files.
    await loadManifests(dir, { cache });
    const third = await loadManifests(dir, { cache });
    expect(third.diagnostics).toEqual(second.diagnostics);
  });
});
