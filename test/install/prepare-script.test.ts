/**
 * scripts/prepare.mjs (npm's `prepare`: an install in a checkout, `npm pack`): without the
 * compiler (a checkout installed with --omit=dev) it stops with a message that says what to do
 * instead, unless dist/ is already there. Run in a temp copy with no node_modules.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'converge-prepare-'));
  await mkdir(join(dir, 'scripts'));
  await cp(join(ROOT, 'scripts', 'prepare.mjs'), join(dir, 'scripts', 'prepare.mjs'));
  await cp(join(ROOT, 'package.json'), join(dir, 'package.json'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function prepare(): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(dir, 'scripts', 'prepare.mjs')], { cwd: dir }, (error, _stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stderr });
    });
  });
}

describe('prepare without the compiler', () => {
  it('fails, naming the install lines that work', async () => {
    const { code, stderr } = await prepare();
    expect(code).toBe(1);
    expect(stderr).toContain('cannot build dist/: the TypeScript compiler (a devDependency) is not installed');
    expect(stderr).toContain('npm install` without --omit=dev');
    expect(stderr).toContain('docs/INSTALL.md');
  });

  it('succeeds when dist/ is already built', async () => {
    await mkdir(join(dir, 'dist', 'src', 'cli'), { recursive: true });
    await writeFile(join(dir, 'dist', 'src', 'cli', 'main.js'), '');
    expect(await prepare()).toEqual({ code: 0, stderr: '' });
  });
});
