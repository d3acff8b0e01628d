/**
 * The smaller commands as a user meets them: validate, schema, usage errors, version.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, copyExamples, editFile, runCli } from '../helpers/cli.js';

describe('converge validate / schema / usage', () => {
  it('validates the examples without contacting anything', async () => {
    const dir = await copyExamples();
    const result = await runCli(['validate', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+ resource\(s\) in \d+ file\(s\) are valid\.$/);
    expect((await runCli(['validate', dir, '--json'])).stdout).toContain('"valid":true');
  });

  it('reports every problem with file:line:col and exits 4', async () => {
    const dir = await copyExamples();
    await editFile(join(dir, 'web.yaml'), 'memory: 2Gi', 'memory: 2 gigs');
    await editFile(join(dir, 'data.yaml'), 'backend: im-local', 'backend: nowhere');
    const result = await runCli(['validate', dir], { cwd: join(dir, '..') });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^manifests\/data\.yaml:\d+:\d+: error: .*"nowhere".* \[MISSING_BACKEND\]$/m);
    expect(result.stderr).toMatch(/^manifests\/web\.yaml:\d+:\d+: error: .*invalid size "2 gigs".* \[BAD_UNIT\]$/m);
  });

  it('prints the schema of a kind, and the one schema of any manifest document', async () => {
    const one = await runCli(['schema', 'Infrastructure']);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ $id: 'https://converge.dev/schemas/infrastructure.schema.json' });
    const all = JSON.parse((await runCli(['schema'])).stdout) as { $id: string; $defs: Record<string, unknown> };
    expect(all.$id).toBe('https://converge.dev/schemas/manifest.schema.json');
    expect(Object.keys(all.$defs)).toEqual(expect.arrayContaining(['Backend', 'Infrastructure', 'Slice', 'VesselSet']));
    expect((await runCli(['schema', 'Nope'])).code).toBe(4);
  });

  it('treats bad flags as usage errors (exit 4) and prints the version', async () => {
    expect((await runCli(['reconcile', 'manifests', '--wait', 'soon'])).code).toBe(4);
    expect((await runCli(['frobnicate'])).code).toBe(4);
    const version = await runCli(['--version'], { cwd: ROOT });
    expect([version.code, version.stdout.trim()]).toEqual([0, '0.1.0']);
  });
});
