/**
 * Test helpers for the state module: temp directories that are removed after each test, a
 * transpiled copy of src/state for child processes (Node 20 cannot run .ts; TypeScript is a
 * devDependency, so its per-file transpiler is used), and small child-process utilities.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterEach } from 'vitest';
import { FileJournal } from '../../src/state/file-journal.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const created: string[] = [];
const children: ChildProcess[] = [];
const journals: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(journals.splice(0).map((journal) => journal.close()));
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** tempDir returns a fresh directory under the OS temp dir, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'converge-state-'));
  created.push(dir);
  return dir;
}

/** newJournal opens a FileJournal at `at` (default: `journal.jsonl` in a fresh temp directory); it is closed after the test. */
export async function newJournal(at?: string): Promise<{ path: string; journal: FileJournal }> {
  const path = at ?? join(await tempDir(), 'journal.jsonl');
  return { path, journal: closeAfterTest(new FileJournal({ path })) };
}

/** closeAfterTest closes `journal` (or anything with a close) after the test, before its temp directories go. */
export function closeAfterTest<T extends { close(): Promise<void> }>(journal: T): T {
  journals.push(journal);
  return journal;
}

/** track registers a child process to be killed after the test if still running. */
export function track<T extends ChildProcess>(child: T): T {
  children.push(child);
  return child;
}

/** spawnSleeper starts a live process (not ours) whose pid a hand-written lock can name. */
export async function spawnSleeper(): Promise<ChildProcess & { pid: number }> {
  const child = track(spawn('sleep', ['30'], { stdio: 'ignore' }));
  await new Promise<void>((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  return child as ChildProcess & { pid: number };
}

/** deadPid returns the pid of a process that has exited and been reaped. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid as number;
  await new Promise((resolve) => child.once('exit', resolve));
  return pid;
}

/** exited resolves with a child's exit code and signal. */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** fixture is the absolute path of a file in test/state/fixtures. */
export function fixture(name: string): string {
  return join(repoRoot, 'test', 'state', 'fixtures', name);
}

/** listFiles lists a directory's entries, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/**
 * transpileStateModule writes plain-JS copies of src/state and src/errors into `outDir` and
 * returns the file URL of the state index, for child processes to import.
 */
export async function transpileStateModule(outDir: string): Promise<string> {
  for (const folder of ['src/state', 'src/state/pg', 'src/state/shards', 'src/state/pg/shards', 'src/util', 'src/errors']) {
    for (const name of await readdir(join(repoRoot, folder))) {
      if (!name.endsWith('.ts')) continue;
      const source = await readFile(join(repoRoot, folder, name), 'utf8');
      const output = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
        fileName: name,
      });
      const target = join(outDir, folder, name.replace(/\.ts$/, '.js'));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, output.outputText);
    }
  }
  await writeFile(join(outDir, 'package.json'), '{"type":"module"}\n');
  return pathToFileURL(join(outDir, 'src', 'state', 'index.js')).href;
}
