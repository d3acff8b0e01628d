/**
 * The acceptance line of installing: in an empty directory with an empty npm cache, install
 * converge from a tarball packed from this repository and run docs/GITOPS.md's ```sh test
 * commands exactly as written: validate, plan, reconcile of the example manifests to
 * convergence, against the test PostgreSQL given the way the doc says CI gives it (env).
 * `npm test` builds dist/ first; the tarball is packed with --ignore-scripts so that this test
 * never rebuilds dist/ under the feet of tests running next to it. One install, ~20–40 s.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { assertBuilt, jsonLines, ROOT } from '../helpers/cli.js';
import { codeBlocks } from '../helpers/doc-blocks.js';

const run = promisify(execFile);
const GITOPS = join(ROOT, 'docs', 'GITOPS.md');

let dir: string;
let tarball: string;
let packedFiles: Set<string>;

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'converge-gitops-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, env: cleanEnv({}) });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(dir, packed!.filename);
  packedFiles = new Set(packed!.files.map((f) => f.path));
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** cleanEnv drops the npm_* variables of an `npm test` run, which would leak into the doc's npm. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => !k.toLowerCase().startsWith('npm_') && v !== undefined)) as Record<string, string>;
  return { ...env, NO_COLOR: '1', ...extra };
}

function testedScript(markdown: string): string {
  return codeBlocks(markdown)
    .filter((b) => b.lang === 'sh' && b.tags.includes('test'))
    .map((b) => b.text)
    .join('\n');
}

function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

function stateEnv(): Record<string, string> {
  const pg = inject('postgres');
  if ('error' in pg) throw new Error(pg.error);
  const schema = `gitops_${process.pid}`;
  return {
    CONVERGE_STATE: `postgresql://postgres@localhost:${pg.port}/postgres?sslmode=verify-full&sslrootcert=${encodeURIComponent(pg.caFile)}&schema=${schema}`,
    CONVERGE_WORKSPACE: 'prod',
    PGPASSWORD: pg.password,
  };
}

describe('the packed tarball', () => {
  it('ships the CLI, the schemas, the example manifests, the docs and the LICENSE; no sources or tests', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    for (const path of [pkg.bin.converge!, 'schemas/manifest.schema.json', 'schemas/backend.schema.json', 'manifests/web.yaml', 'manifests/credentials/im-auth.dat', 'docs/INSTALL.md', 'LICENSE']) {
      expect(packedFiles, path).toContain(path);
    }
    expect([...packedFiles].filter((f) => /^(test|src|bench|dist\/bench)\/|\.converge\/|\.map$/.test(f))).toEqual([]);
  });
});

describe('docs/GITOPS.md', () => {
  it('marks commands for testing, and the workflow runs only those commands', async () => {
    const markdown = await readFile(GITOPS, 'utf8');
    const script = testedScript(markdown);
    expect(script).toContain('npm install -g "$CONVERGE_PACKAGE"');
    const workflow = codeBlocks(markdown).find((b) => b.lang === 'yaml' && b.text.includes('jobs:'));
    const jobs = (parse(workflow!.text) as { jobs: Record<string, { steps: Array<{ run?: string }> }> }).jobs;
    const runLines = Object.values(jobs).flatMap((job) => job.steps.flatMap((s) => (s.run ?? '').split('\n'))).filter((l) => l.trim() !== '');
    expect(runLines.length).toBeGreaterThan(5);
    for (const line of runLines) expect(script.split('\n'), `workflow line not in the tested script: ${line}`).toContain(line.trim());
  });

  it('runs as written in an empty directory with an empty npm cache, converging the example manifests', async () => {
    const work = join(dir, 'infra');
    await mkdir(work);
    await cp(join(ROOT, 'manifests'), join(work, 'manifests'), { recursive: true, filter: (src) => !src.includes('.converge') });
    const prefix = join(dir, 'prefix');
    const env = cleanEnv({
      ...stateEnv(),
      CONVERGE_PACKAGE: tarball,
      npm_config_cache: join(dir, 'npm-cache'),
      npm_config_prefix: prefix,
      npm_config_update_notifier: 'false',
      PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
    });
    const result = await bash(testedScript(await readFile(GITOPS, 'utf8')), work, env);
    expect(result.code, result.output).toBe(0);
    const report = jsonLines(await readFile(join(work, 'reconcile.jsonl'), 'utf8')).find((l) => l.type === 'report');
    expect(report?.outcome).toBe('converged');
    expect(await readFile(join(work, 'plan.txt'), 'utf8')).toMatch(/\+ .*Infrastructure\/web/);
    expect(result.output).toMatch(/ready\s+Infrastructure\/web/);
    // The state went to PostgreSQL, as the doc's environment says, not to a file.
    expect(existsSync(join(work, 'manifests', '.converge', 'state.json'))).toBe(false);
    // The converge that ran is the installed one, not this checkout.
    expect(await readdir(join(prefix, 'lib', 'node_modules', '@converge-iac', 'converge', 'dist'))).toEqual(['src']);
  }, 240_000);
});
