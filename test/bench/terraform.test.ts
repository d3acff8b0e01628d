/**
 * The Terraform side of `npm run bench:compare`, against a fake `terraform` (a shell script on
 * PATH that logs how it was called and answers as Terraform does): the commands, their
 * arguments and working directory, the parsed counts, the timing, and the clean-up. No real
 * terraform is needed (none is installable here).
 */
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTerraform, mainTf, measureTerraform, TerraformError } from '../../bench/terraform.js';

const FAKE = `#!/bin/bash
# Logs "<cwd>|<args>" and answers like terraform 1.11 for a main.tf of terraform_data with count = N.
echo "$PWD|$*" >> "$FAKE_TF_LOG"
n=$(sed -n 's/^ *count = \\([0-9]*\\)$/\\1/p' main.tf)
case "$1" in
  version) echo '{"terraform_version":"1.11.0-fake","platform":"linux_amd64"}' ;;
  init) echo "Terraform has been successfully initialized!" ;;
  apply) sleep 0.2; echo "Apply complete! Resources: $n added, 0 changed, 0 destroyed." ;;
  plan)
    sleep 0.1
    if [ -n "$FAKE_TF_DRIFT" ]; then echo "Plan: 0 to add, 2 to change, 0 to destroy."; exit 2; fi
    echo "No changes. Your infrastructure matches the configuration."; exit 0 ;;
esac
`;

let bin: string;
let log: string;

beforeAll(async () => {
  bin = await mkdtemp(join(tmpdir(), 'converge-fake-tf-'));
  log = join(bin, 'calls.log');
  await writeFile(join(bin, 'terraform'), FAKE);
  await chmod(join(bin, 'terraform'), 0o755);
  process.env.FAKE_TF_LOG = log;
});

afterAll(async () => {
  delete process.env.FAKE_TF_LOG;
  await rm(bin, { recursive: true, force: true });
});

describe('terraform side of bench:compare', () => {
  it('finds terraform on PATH only when it is there', () => {
    expect(findTerraform(`/nonexistent:${bin}`)).toBe(join(bin, 'terraform'));
    expect(findTerraform('/nonexistent')).toBeUndefined();
  });

  it('writes N terraform_data objects, runs init, apply -auto-approve and plan -detailed-exitcode with -parallelism=16 in one temp directory, and times them', async () => {
    await rm(log, { force: true });
    const figures = await measureTerraform(join(bin, 'terraform'), 3);
    expect(figures).toMatchObject({ version: '1.11.0-fake', n: 3, create: { resources: 3, exitCode: 0 }, noop: { resources: 0, exitCode: 0 } });
    expect(figures.create.wallMs).toBeGreaterThanOrEqual(200);
    expect(figures.noop.wallMs).toBeGreaterThanOrEqual(100);
    const calls = (await readFile(log, 'utf8')).trim().split('\n').map((l) => l.split('|'));
    expect(calls.map(([, args]) => args)).toEqual([
      'version -json',
      'init -input=false -no-color',
      'apply -auto-approve -input=false -no-color -parallelism=16',
      'plan -detailed-exitcode -input=false -no-color -parallelism=16',
    ]);
    const dirs = new Set(calls.map(([cwd]) => cwd));
    expect(dirs.size).toBe(1);
    const [dir] = [...dirs];
    expect(dir).toContain('converge-compare-tf-');
    await expect(stat(dir!)).rejects.toThrow(); // the state directory is removed after
  });

  it('reports a plan that wants changes (exit 2) as not a no-op', async () => {
    process.env.FAKE_TF_DRIFT = '1';
    try {
      expect((await measureTerraform(join(bin, 'terraform'), 2, 4)).noop).toMatchObject({ exitCode: 2, resources: 2 });
    } finally {
      delete process.env.FAKE_TF_DRIFT;
    }
  });

  it('throws a typed error when terraform fails', async () => {
    const broken = join(bin, 'broken');
    await writeFile(broken, '#!/bin/sh\necho boom >&2\nexit 1\n');
    await chmod(broken, 0o755);
    await expect(measureTerraform(broken, 1)).rejects.toMatchObject({ name: 'TerraformError', code: 'TERRAFORM_FAILED' });
    expect(TerraformError).toBeDefined();
  });

  it('the configuration is N built-in terraform_data resources, no provider', () => {
    expect(mainTf(5)).toBe('resource "terraform_data" "bench" {\n  count = 5\n  input = "bench-${count.index}"\n}\n');
  });

  it('bench:compare prints the measured Terraform column and the ratios when terraform is on PATH (compiled script, 10 IM objects)', async () => {
    const script = new URL('../../dist/bench/compare.js', import.meta.url).pathname;
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const { stdout } = await promisify(execFile)(process.execPath, [script, '--counts', '10', '--only', 'im'], { env });
    expect(stdout).toContain(`terraform: ${join(bin, 'terraform')}`);
    expect(stdout).toContain('| work | Terraform 1.11.0-fake | converge IM | converge XenAPI |');
    expect(stdout).toMatch(/\| create 10 \| 0\.\d\d s \| \d+\.\d\d s \| — \|/);
    expect(stdout).toMatch(/\| no-op 10 \| 0\.\d\d s \| \d+\.\d\d s \(21 calls\) \| — \|/);
    expect(stdout).toMatch(/\| no-op 10 \| \d+\.\d× \| — \|/);
    expect(stdout).not.toContain('REFERENCE');
  });
});
