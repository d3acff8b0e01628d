/**
 * Helpers for the manifest fixture directories under test/fixtures/manifests/. Golden files
 * (`expected.txt`) hold the formatted diagnostics with paths relative to the fixture directory,
 * so they read the same wherever the checkout lives. Regenerate them after a deliberate change
 * with `UPDATE_GOLDEN=1 npx vitest run test/manifest` and review the diff.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { formatDiagnostic } from '../../src/manifest/index.js';
import type { ManifestSet } from '../../src/manifest/index.js';

export const FIXTURES = resolve(fileURLToPath(new URL('../fixtures/manifests', import.meta.url)));

/** fixtureDir is the absolute path of a fixture directory, e.g. fixtureDir('invalid', 'bad-unit'). */
export function fixtureDir(...parts: string[]): string {
  return resolve(FIXTURES, ...parts);
}

/** shownPath is how diagnostics name a path inside the fixtures (relative to the cwd). */
export function shownPath(absolute: string): string {
  return relative(process.cwd(), absolute);
}

/** goldenText formats a set's diagnostics with the fixture directory prefix removed. */
export function goldenText(set: ManifestSet, dir: string): string {
  const prefix = shownPath(dir);
  const lines = set.diagnostics.map((d) => formatDiagnostic(d).replaceAll(`${prefix}/`, '').replaceAll(prefix, '.'));
  return lines.map((line) => `${line}\n`).join('');
}

/** BACKEND_YAML is a valid IM Backend named `im`, for temporary manifest trees. */
export const BACKEND_YAML = 'apiVersion: converge/v1\nkind: Backend\nmetadata:\n  name: im\nspec:\n  type: im\n  url: embedded\n';

/**
 * tempTree writes `files` (relative path → content) into a fresh directory under the OS temp
 * directory and removes it when the current test finishes.
 */
export async function tempTree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'converge-manifest-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}
