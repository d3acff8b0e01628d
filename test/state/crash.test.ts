/**
 * Crash and multi-process tests: real child processes killed with SIGKILL, exiting without
 * releasing, and racing for one lock. Children run plain JS: a fixture that imports nothing, or
 * the real state module transpiled into a temp directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileJournal } from '../../src/state/file-journal.js';
import { createStateStore } from '../../src/state/index.js';
import type { LockHolder } from '../../src/state/types.js';
import { exited, fixture, listFiles, tempDir, track, transpileStateModule } from './helpers.js';

let moduleDir = '';
let moduleUrl = '';
beforeAll(async () => {
  // Not tempDir(): that one is removed after each test, and the module serves the whole file.
  moduleDir = await mkdtemp(join(tmpdir(), 'converge-state-module-'));
  moduleUrl = await transpileStateModule(moduleDir);
});
afterAll(async () => {
  await rm(moduleDir, { recursive: true, force: true });
});

/** startClient spawns state-client.mjs and yields the JSON lines it prints. */
function startClient(stateDir: string, mode: string, goFile = ''): { child: ChildProcess; lines: AsyncIterator<Record<string, unknown>> } {
  const child = track(spawn(process.execPath, [fixture('state-client.mjs'), moduleUrl, stateDir, mode, goFile], { stdio: ['ignore', 'pipe', 'inherit'] }));
  // Take the iterator now: readline drops lines emitted before anyone iterates.
  const raw = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const lines: AsyncIterator<Record<string, unknown>> = {
    next: async () => {
      const item = await raw.next();
      return item.done === true ? { done: true, value: undefined } : { done: false, value: JSON.parse(item.value) as Record<string, unknown> };
    },
  };
  return { child, lines };
}

async function next(lines: AsyncIterator<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const result = await lines.next();
  if (result.done === true) throw new Error('child ended before printing');
  return result.value;
}

describe('journal torn by a real crash', () => {
  it('replays everything before the torn line and appends cleanly after it', async () => {
    const path = join(await tempDir(), 'journal.jsonl');
    const child = spawn(process.execPath, [fixture('torn-writer.mjs'), path], { stdio: 'inherit' });
    expect(await exited(child)).toEqual({ code: null, signal: 'SIGKILL' });
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('\n')).toBe(false);
    expect(text.split('\n')).toHaveLength(4);

    const journal = new FileJournal({ path });
    expect((await journal.unsettled()).map((intent) => intent.id)).toEqual(['00000002-b']);
    const after = await journal.begin({ key: 'Infrastructure/d', backend: 'im', method: 'CreateInfrastructure', target: 'im/d' });
    expect((await journal.unsettled()).map((intent) => intent.id)).toEqual(['00000002-b', after.id]);
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { type: string }).type)).toEqual(['begin', 'begin', 'resolve', 'begin']);
    await journal.close();
  });
});

describe('a state client killed with SIGKILL', () => {
  it('leaves its intent open and its lock to be taken over as dead', async () => {
    const stateDir = await tempDir();
    const { child, lines } = startClient(stateDir, 'hold');
    const ready = await next(lines);
    child.kill('SIGKILL');
    expect((await exited(child)).signal).toBe('SIGKILL');

    const store = createStateStore({ stateDir });
    expect(await store.inspect()).toMatchObject({ id: ready.holderId, pid: ready.pid, command: 'fixture hold' });
    const reported: LockHolder[] = [];
    const lock = await store.acquire({ timeoutMs: 0, command: 'converge apply', onStaleTakeover: (stale) => reported.push(stale) });
    expect(reported.map((stale) => stale.id)).toEqual([ready.holderId]);

    const open = await store.journal.unsettled();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ id: ready.intentId, key: 'Infrastructure/web', method: 'CreateInfrastructure', status: 'open' });
    await store.journal.settle(ready.intentId as string, 'no trace found by ownership marker');
    expect(await store.journal.unsettled()).toEqual([]);
    await lock.release();
    expect(await listFiles(stateDir)).toEqual(['journal.jsonl']);
  });
});

describe('a state client that exits without releasing', () => {
  it('has its lock removed by the exit hook', async () => {
    const stateDir = await tempDir();
    const { child, lines } = startClient(stateDir, 'exit');
    await next(lines);
    expect(await exited(child)).toEqual({ code: 0, signal: null });
    expect(await createStateStore({ stateDir }).inspect()).toBeUndefined();
    expect(await listFiles(stateDir)).toEqual(['journal.jsonl']);
  });
});

describe('state clients racing for a stale lock', () => {
  it('let exactly one process win', async () => {
    const stateDir = await tempDir();
    const goFile = join(stateDir, 'go');
    const expired = new Date(Date.now() - 1000).toISOString();
    const stale: LockHolder = { id: 'stale', pid: 1, host: 'gone.example', user: 'bob', command: 'converge apply', acquiredAt: expired, heartbeatAt: expired, expiresAt: expired };
    await writeFile(join(stateDir, 'state.json.lock'), JSON.stringify(stale));

    const clients = Array.from({ length: 6 }, () => startClient(stateDir, 'race', goFile));
    for (const { lines } of clients) expect(await next(lines)).toEqual({ ready: true });
    await writeFile(goFile, '');
    const outputs = await Promise.all(
      clients.map(async ({ child, lines }) => {
        const seen: Array<Record<string, unknown>> = [];
        for (let item = await lines.next(); item.done !== true; item = await lines.next()) seen.push(item.value);
        await exited(child);
        return seen;
      }),
    );

    const results = outputs.map((seen) => seen.find((line) => 'won' in line));
    expect(results.filter((result) => result?.won === true)).toHaveLength(1);
    expect(results.filter((result) => result?.won === false && result.code === 'STATE_LOCKED')).toHaveLength(5);
    expect(outputs.flat().filter((line) => line.tookOver === true)).toHaveLength(1);
    expect(await listFiles(stateDir)).toEqual(['go']);
  });
});
