/**
 * The journal's fdatasync runs beside its writes (src/state/group-sync.ts): while one fdatasync is
 * in flight, later lines are written at once; a resolve is answered once written, and a begin
 * only after an fdatasync that *started after* its line was written. These tests hold the
 * fdatasync (FileHandle.prototype.datasync, node's) until they let it go.
 */
import { statSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileJournal } from '../../src/state/file-journal.js';
import type { Intent } from '../../src/state/types.js';
import { tempDir } from './helpers.js';

const journals: FileJournal[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(journals.splice(0).map((journal) => journal.close()));
});

function call(key: string): Omit<Intent, 'id' | 'status' | 'startedAt'> {
  return { key, backend: 'xenapi', method: 'VM.set_memory_limits', target: `vm ${key}` };
}

/** holdDatasyncs: every fdatasync from now on records the file's length when it starts and waits until `release`. */
async function holdDatasyncs(path: string): Promise<{ started: number[]; finished: number[]; release(): void }> {
  const probe = await open(`${path}.probe`, 'w');
  const proto = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
  await probe.close();
  const original = proto.datasync;
  const started: number[] = [];
  const finished: number[] = [];
  let open_ = (): void => undefined;
  const gate = new Promise<void>((resolve) => (open_ = resolve));
  vi.spyOn(proto, 'datasync').mockImplementation(async function (this: unknown) {
    const length = statSync(path).size;
    started.push(length);
    await gate;
    await original.call(this);
    finished.push(length);
  });
  return { started, finished, release: () => open_() };
}

describe('journal fdatasync beside the writes', () => {
  it('answers a resolve while an fdatasync of another line is in flight, and a begin only after one that started after its write', async () => {
    const path = join(await tempDir(), 'journal.jsonl');
    const journal = new FileJournal({ path });
    journals.push(journal);
    const first = await journal.begin(call('a')); // opens the file, fdatasync not held yet
    const held = await holdDatasyncs(path);
    let secondDone = false;
    const second = journal.begin(call('b')).then((intent) => ((secondDone = true), intent));
    await vi.waitFor(() => expect(held.started).toHaveLength(1)); // b's line written, its fdatasync held
    await journal.resolve(first.id, { status: 'done' }); // not held behind b's fdatasync
    expect(secondDone).toBe(false);
    const afterResolve = statSync(path).size;
    expect((await readFile(path, 'utf8')).trimEnd().split('\n')).toHaveLength(3);
    let thirdAt = -1;
    const third = journal.begin(call('c')).then((intent) => {
      thirdAt = held.finished.length;
      return intent;
    });
    await vi.waitFor(() => expect(statSync(path).size).toBeGreaterThan(afterResolve)); // c written during b's fdatasync
    const cWritten = statSync(path).size;
    held.release();
    await Promise.all([second, third]);
    // c was answered only after an fdatasync that started once its line was in the file
    expect(thirdAt).toBeGreaterThan(0);
    expect(held.finished.slice(0, thirdAt).some((length) => length >= cWritten)).toBe(true);
    expect(held.started).toHaveLength(2); // b's, then one for c (and a's resolve): not one per line
  });

  it('close and sync wait for the fdatasync in flight before they use the descriptor', async () => {
    const path = join(await tempDir(), 'journal.jsonl');
    const journal = new FileJournal({ path });
    journals.push(journal);
    await journal.begin(call('a'));
    const held = await holdDatasyncs(path);
    const begun = journal.begin(call('b'));
    await vi.waitFor(() => expect(held.started).toHaveLength(1));
    let closed = false;
    const closing = journal.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(false);
    held.release();
    await Promise.all([begun, closing]);
    expect((await journal.recent()).map((i) => i.key)).toEqual(['a', 'b']);
  });
});
