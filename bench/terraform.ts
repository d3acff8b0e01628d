/**
 * Terraform's side of `npm run bench:compare`: N built-in `terraform_data` resources (no
 * provider, nothing to download), local state in a temp directory, `-parallelism=16` by default.
 * create = `terraform apply -auto-approve`, no-op = `terraform plan -detailed-exitcode` (exit 0:
 * no changes; 2: changes, which a no-op must not have). Wall time from spawn to exit; CPU is
 * Terraform's own (and its children's), read from this process's waited-for-children counters
 * in /proc/self/stat (Linux; absent elsewhere; so nothing else of this process may exit meanwhile:
 * compare.ts runs one measurement at a time).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface TerraformPass {
  wallMs: number;
  /** cpuMs: user + system of the terraform process and its children, when /proc tells. */
  cpuMs?: number;
  /** resources: added (create) or to be changed (no-op: 0 when the plan said "No changes"). */
  resources: number;
  exitCode: number;
}

export interface TerraformFigures {
  version: string;
  n: number;
  create: TerraformPass;
  noop: TerraformPass;
}

/** TerraformError: a terraform command failed (code TERRAFORM_FAILED) or said something we cannot read (TERRAFORM_OUTPUT). */
export class TerraformError extends Error {
  constructor(
    readonly code: 'TERRAFORM_FAILED' | 'TERRAFORM_OUTPUT',
    message: string,
  ) {
    super(message);
    this.name = 'TerraformError';
  }
}

/** findTerraform returns the first executable `terraform` on PATH, or undefined. */
export function findTerraform(pathEnv = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathEnv.split(delimiter).filter(Boolean)) {
    const file = join(dir, 'terraform');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** mainTf is the whole configuration: N objects of the built-in terraform_data. */
export function mainTf(n: number): string {
  return `resource "terraform_data" "bench" {\n  count = ${n}\n  input = "bench-\${count.index}"\n}\n`;
}

/** measureTerraform creates N terraform_data objects and plans again; the temp directory is removed after. */
export async function measureTerraform(bin: string, n: number, parallelism = 16): Promise<TerraformFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'converge-compare-tf-'));
  try {
    await writeFile(join(dir, 'main.tf'), mainTf(n));
    const version = parseVersion((await runTerraform(bin, dir, ['version', '-json'])).stdout);
    await runTerraform(bin, dir, ['init', '-input=false', '-no-color']);
    const apply = await runTerraform(bin, dir, ['apply', '-auto-approve', '-input=false', '-no-color', `-parallelism=${parallelism}`]);
    const added = /Apply complete! Resources: (\d+) added/.exec(apply.stdout);
    if (!added) throw new TerraformError('TERRAFORM_OUTPUT', `terraform apply: no "Apply complete!" line in its output`);
    const plan = await runTerraform(bin, dir, ['plan', '-detailed-exitcode', '-input=false', '-no-color', `-parallelism=${parallelism}`], [0, 2]);
    const toChange = plan.exitCode === 0 ? 0 : Number(/Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(plan.stdout)?.slice(1).reduce((a, b) => a + Number(b), 0) ?? NaN);
    return { version, n, create: { ...apply.pass, resources: Number(added[1]) }, noop: { ...plan.pass, resources: toChange } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function parseVersion(stdout: string): string {
  try {
    return String((JSON.parse(stdout) as { terraform_version?: string }).terraform_version ?? 'unknown');
  } catch {
    return /Terraform v(\S+)/.exec(stdout)?.[1] ?? 'unknown';
  }
}

interface Ran {
  stdout: string;
  exitCode: number;
  pass: Omit<TerraformPass, 'resources'>;
}

/** runTerraform runs one command in `dir` (no colour, no upgrade check) and times it; exit codes outside `ok` throw. */
function runTerraform(bin: string, dir: string, args: string[], ok: readonly number[] = [0]): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_INPUT: '0' };
  delete env.TF_CLI_ARGS;
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(bin, args, { cwd: dir, env, maxBuffer: 256 * 2 ** 20 }, (error, stdout, stderr) => {
      const wallMs = performance.now() - started;
      const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      if (!ok.includes(exitCode)) return reject(new TerraformError('TERRAFORM_FAILED', `terraform ${args[0]} exited ${exitCode}: ${stderr.slice(-500)}`));
      const cpuAfter = childrenCpuMs();
      const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
      resolve({ stdout, exitCode, pass: { wallMs, exitCode, ...(cpuMs !== undefined ? { cpuMs } : {}) } });
    });
  });
}

/** childrenCpuMs: cutime + cstime of this process (children waited for), in ms; undefined off Linux. */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17, in clock ticks (100 Hz on Linux).
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}
