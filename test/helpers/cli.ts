/**
 * Test helpers that run the compiled CLI as a user would (`node dist/src/cli/main.js …`) in temp
 * directories. `npm test` builds dist first; running vitest alone needs `npm run build`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does it)`);
}

/** startCli spawns the CLI; the caller may kill it. */
export function startCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): ChildProcess & { result: Promise<CliResult> } {
  assertBuilt();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const result = new Promise<CliResult>((resolvePromise) => {
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
  return Object.assign(child, { result });
}

export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return startCli(args, options).result;
}

/** copyExamples copies the repository's manifests/ into a fresh temp dir and returns its path. */
export async function copyExamples(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'converge-'));
  await cp(join(ROOT, 'manifests'), join(dir, 'manifests'), { recursive: true, filter: (src) => !src.includes('.converge') });
  return join(dir, 'manifests');
}

/** editFile applies a text replacement and fails loudly if the text was not there. */
export async function editFile(path: string, from: string | RegExp, to: string): Promise<void> {
  const text = await readFile(path, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`editFile: ${String(from)} not found in ${path}`);
  await writeFile(path, next);
}

/** jsonLines parses --json output, one object per line. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function reportOf(stdout: string): Record<string, unknown> & { mutatingCalls: number; calls: Record<string, number>; outcome: string } {
  const report = jsonLines(stdout).find((l) => l.type === 'report');
  if (!report) throw new Error(`no report in output:\n${stdout}`);
  return report as never;
}

/**
 * startSimProcess runs `converge sim <type> --port 0 --json …` (a server that outlives the
 * clients a test kills) and resolves once it listens, with its URL.
 */
export async function startSimProcess(type: string, args: string[]): Promise<{ process: ReturnType<typeof startCli>; url: string }> {
  const sim = startCli(['sim', type, '--port', '0', '--json', ...args]);
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    sim.stdout!.on('data', (c: Buffer) => {
      text += c.toString();
      const m = /"url":"([^"]+)"/.exec(text);
      if (m) resolve(m[1]!);
    });
    sim.on('close', () => reject(new Error(`simulator exited: ${text}`)));
  });
  return { process: sim, url };
}
