/**
 * What the installed package runs needs only its `dependencies`: every bare import in dist/src
 * (static, dynamic, or through createRequire) names a Node built-in or a package listed under
 * `dependencies`, never a devDependency (a tarball install has none of those). What the tarball
 * ships is checked in gitops-doc.test.ts, which packs it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertBuilt, ROOT } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? jsFiles(path) : path.endsWith('.js') ? [path] : [];
  });
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

describe('the installed package', () => {
  it('imports only Node built-ins and its dependencies at run time', () => {
    assertBuilt();
    const builtins = new Set(builtinModules);
    const foreign = new Map<string, string>();
    for (const file of jsFiles(join(ROOT, 'dist', 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from\s+|\bimport\s*\(\s*|(?<![.\w])require\s*\(\s*)['"]([^'"./][^'"]*)['"]/g)) {
        const specifier = m[1]!;
        if (specifier.startsWith('node:') || builtins.has(packageOf(specifier))) continue;
        if (!(packageOf(specifier) in pkg.dependencies)) foreign.set(specifier, file.slice(ROOT.length + 1));
      }
    }
    expect(Object.fromEntries(foreign)).toEqual({});
  });
});
