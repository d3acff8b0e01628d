#!/usr/bin/env node
// `npm prepare` (an `npm install` in a clone, `npm pack`, and `npm install -g <git url>`): build
// dist/ with the TypeScript compiler from devDependencies. A clone installed with --omit=dev has
// no compiler; say what to do instead of leaving a package without dist/ (docs/INSTALL.md).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

function compilerPath() {
  try {
    return require.resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

const tsc = compilerPath();
if (tsc === undefined) {
  if (existsSync(join(root, 'dist/src/cli/main.js'))) process.exit(0);
  process.stderr.write(
    'converge: cannot build dist/: the TypeScript compiler (a devDependency) is not installed.\n' +
      '  In a clone, run `npm install` without --omit=dev (then `npm run build` rebuilds).\n' +
      '  For a run-time-only install, install a packed tarball: `npm pack` in a full clone, then\n' +
      '  `npm install -g ./converge-iac-converge-<version>.tgz` (see docs/INSTALL.md).\n',
  );
  process.exit(1);
}
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
