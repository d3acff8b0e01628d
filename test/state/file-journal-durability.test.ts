/**
 * Which journal appends wait for an fdatasync (file-journal.ts): begin and settle do (the
 * write-ahead rule: the intent is durable before the call is sent); resolve is written before it
 * returns (it survives the process being killed) and made durable by the next begin's fdatasync,
 * `sync`, `close` or the state store's next write. A resolve lost to a power loss before any of
 * those leaves its intent open (unsettled), as a crash between the reply and the resolve does.
 */
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileStateStore } from '../../src/state/file-store.js';
import type { Intent } from '../../src/state/types.js';
import { closeAfterTest, newJournal, tempDir } from './helpers.js';

// Mocks go first (after-hooks run last-registered first), then helpers.ts closes the journals.
afterEach(() => {
  vi.restoreAllMocks();
});

function call(key: string): Omit<Intent, 'id' | 'status' | 'startedAt'> {
  return { key, backend: 'xenapi', method: 'VM.set_memory_limits', target: `vm ${key}` };
}

/** countDatasyncs counts fdatasync calls on every FileHandle from now on. */
async function countDatasyncs(scratch: string): Promise<() => number> {
  const probe = await open(scratch, 'w');
  const proto = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
  await probe.close();
  const spy = vi.spyOn(proto, 'datasync');
  return () => spy.mock.calls.length;
}

describe('FileJournal durability per entry type', () => {
  it('fdatasyncs for begin, not for resolve; the next begin covers the resolve written before it', async () => {
    const { path, journal } = await newJournal();
    const syncs = await countDatasyncs(`${path}.probe`);
    const first = await journal.begin(call('a'));
    expect(syncs()).toBe(1);
    await journal.resolve(first.id, { status: 'done' });
    expect(syncs()).toBe(1); // written, not synced on its own
    expect((await readFile(path, 'utf8')).trimEnd().split('\n')).toHaveLength(2); // but in the file when resolve returns
    await journal.begin(call('b'));
    expect(syncs()).toBe(2); // one fdatasync for the resolve and the begin after it, in file order
    expect((await journal.recent()).map((i) => i.status)).toEqual(['done', 'open']);
  });

  it('sync and close fdatasync only what a resolve left unsynced', async () => {
    const { journal } = await newJournal();
    const syncs = await countDatasyncs(join(await tempDir(), 'probe'));
    const intent = await journal.begin(call('a'));
    await journal.sync();
    expect(syncs()).toBe(1); // nothing unsynced after a begin
    await journal.resolve(intent.id, { status: 'done' });
    await journal.sync();
    expect(syncs()).toBe(2);
    const next = await journal.begin(call('b'));
    await journal.resolve(next.id, { status: 'failed', error: { kind: 'TERMINAL', code: 'X', message: 'x' } });
    await journal.close();
    expect(syncs()).toBe(4); // the begin, then close's fdatasync of the resolve
  });

  it('the state store makes the journal durable before it writes state', async () => {
    const dir = await tempDir();
    const store = new FileStateStore({ path: join(dir, 'state.json') });
    closeAfterTest(store.journal);
    const syncs = await countDatasyncs(join(dir, 'probe'));
    const intent = await store.journal.begin(call('a'));
    await store.journal.resolve(intent.id, { status: 'done' });
    const before = syncs();
    const sync = vi.spyOn(store.journal, 'sync');
    const state = await store.read();
    await store.write(state, state.serial);
    expect(sync).toHaveBeenCalledTimes(1);
    expect(syncs()).toBeGreaterThan(before);
  });

  it('a resolve lost to a power loss (its unsynced tail gone) leaves the intent open, to be settled by observation', async () => {
    const { path, journal } = await newJournal();
    const done = await journal.begin(call('a'));
    await journal.resolve(done.id, { status: 'done' });
    const lost = await journal.begin(call('b')); // durable: covers a's resolve
    const durable = await readFile(path, 'utf8');
    await journal.resolve(lost.id, { status: 'done', outcome: { ref: 'OpaqueRef:x' } });
    await journal.close();
    await writeFile(path, durable); // what the disk holds if the machine lost power before any later fdatasync
    const { journal: after } = await newJournal(path);
    expect((await after.recent()).map((i) => [i.key, i.status])).toEqual([
      ['a', 'done'],
      ['b', 'open'],
    ]);
    expect((await after.unsettled()).map((i) => i.id)).toEqual([lost.id]);
  });
});
