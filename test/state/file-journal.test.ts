import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConvergeError } from '../../src/errors/converge-error.js';
import { FileJournal } from '../../src/state/file-journal.js';
import type { Intent } from '../../src/state/types.js';
import { listFiles, tempDir } from './helpers.js';

const journals: FileJournal[] = [];
afterEach(async () => {
  await Promise.all(journals.splice(0).map((journal) => journal.close()));
});

async function newJournal(): Promise<{ dir: string; path: string; journal: FileJournal }> {
  const dir = await tempDir();
  const path = join(dir, 'journal.jsonl');
  const journal = new FileJournal({ path, now: () => new Date('2024-05-01T10:00:00.000Z') });
  journals.push(journal);
  return { dir, path, journal };
}

function call(key: string, method = 'CreateInfrastructure'): Omit<Intent, 'id' | 'status' | 'startedAt'> {
  return { key, backend: 'im', method, target: `im/${key}` };
}

async function lines(path: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('FileJournal', () => {
  it('begin writes one durable begin line and returns the open intent', async () => {
    const { path, journal } = await newJournal();
    const intent = await journal.begin(call('Infrastructure/web'));
    expect(intent).toMatchObject({ ...call('Infrastructure/web'), status: 'open', startedAt: '2024-05-01T10:00:00.000Z' });
    expect(await lines(path)).toEqual([{ type: 'begin', intent }]);
    expect(await journal.unsettled()).toEqual([intent]);
  });

  it('resolve closes an intent and records outcome or error', async () => {
    const { path, journal } = await newJournal();
    const web = await journal.begin(call('Infrastructure/web'));
    const db = await journal.begin(call('Infrastructure/db'));
    await journal.resolve(web.id, { status: 'done', outcome: { infId: 'inf-1' } });
    await journal.resolve(db.id, { status: 'failed', error: { kind: 'TERMINAL', code: 'IM_QUOTA', message: 'quota' } });

    expect(await journal.unsettled()).toEqual([]);
    expect((await lines(path)).slice(2)).toEqual([
      { type: 'resolve', id: web.id, status: 'done', outcome: { infId: 'inf-1' }, endedAt: '2024-05-01T10:00:00.000Z' },
      { type: 'resolve', id: db.id, status: 'failed', error: { kind: 'TERMINAL', code: 'IM_QUOTA', message: 'quota' }, endedAt: '2024-05-01T10:00:00.000Z' },
    ]);
  });

  const settlements: Array<{ reason: string; outcome?: Record<string, unknown>; status: string }> = [
    { reason: 'observation found the object: done with its outcome', outcome: { infId: 'inf-9' }, status: 'done' },
    { reason: 'observation found no trace: unknown', status: 'unknown' },
  ];

  it.each(settlements)('settle: $reason', async ({ outcome, status }) => {
    const { path, journal } = await newJournal();
    const intent = await journal.begin(call('Infrastructure/web'));
    await journal.settle(intent.id, 'observed via ownership marker', outcome);
    expect(await journal.unsettled()).toEqual([]);
    const last = (await lines(path))[1];
    expect(last).toEqual({ type: 'settle', id: intent.id, note: 'observed via ownership marker', at: '2024-05-01T10:00:00.000Z', ...(outcome && { outcome }) });
    expect((await journal.recent())[0]).toMatchObject({ status, note: 'observed via ownership marker', settledAt: '2024-05-01T10:00:00.000Z' });
  });

  it('keeps a call whose reply was lost or late unsettled across compactions until a look accounts for it', async () => {
    const { journal } = await newJournal();
    const late = await journal.begin(call('Infrastructure/web'));
    const done = await journal.begin(call('Infrastructure/db'));
    await journal.resolve(late.id, { status: 'unknown', error: { kind: 'TRANSIENT', code: 'XMLRPC_TIMEOUT', message: 'no reply' } });
    await journal.resolve(done.id, { status: 'done' });
    await journal.compact();
    expect((await journal.unsettled()).map((i) => [i.key, i.status])).toEqual([['Infrastructure/web', 'unknown']]);
    expect((await journal.recent()).map((i) => i.key)).toEqual(['Infrastructure/web']);

    await journal.settle(late.id, 'observed present: infId=inf-1', { infId: 'inf-1' });
    expect(await journal.unsettled()).toEqual([]);
    expect((await journal.recent())[0]).toMatchObject({ status: 'unknown', outcome: { infId: 'inf-1' }, note: 'observed present: infId=inf-1' });
    await journal.compact();
    expect(await journal.recent()).toEqual([]);
  });

  it('reads journals written before settle entries existed (a noted resolve settles)', async () => {
    const { path, journal } = await newJournal();
    const intent = await journal.begin(call('Infrastructure/web'));
    await appendFile(path, `${JSON.stringify({ type: 'resolve', id: intent.id, status: 'unknown', note: 'observed absent', endedAt: '2024-05-01T10:00:01.000Z' })}\n`);
    expect(await journal.unsettled()).toEqual([]);
    expect((await journal.recent())[0]).toMatchObject({ status: 'unknown', note: 'observed absent', settledAt: '2024-05-01T10:00:01.000Z' });
  });

  it('gives ids that are unique and sort in begin order over 1000 intents', async () => {
    const { path, journal } = await newJournal();
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) ids.push((await journal.begin(call(`Infrastructure/n${i}`))).id);
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
    expect((await journal.unsettled()).map((intent) => intent.id)).toEqual(ids);
    expect(await lines(path)).toHaveLength(1000);
  });

  it('keeps lines whole when many begins run concurrently', async () => {
    const { path, journal } = await newJournal();
    const begun = await Promise.all(Array.from({ length: 50 }, (_, i) => journal.begin(call(`k${i}`))));
    expect(await lines(path)).toHaveLength(50);
    expect(new Set((await journal.unsettled()).map((intent) => intent.id))).toEqual(new Set(begun.map((intent) => intent.id)));
  });

  it('compact keeps only open intents, atomically, and appends continue afterwards', async () => {
    const { dir, path, journal } = await newJournal();
    const [a, b, c] = [await journal.begin(call('a')), await journal.begin(call('b')), await journal.begin(call('c'))];
    await journal.resolve(a.id, { status: 'done' });
    await journal.settle(c.id, 'gone');
    await journal.compact();

    expect(await lines(path)).toEqual([{ type: 'begin', intent: b }]);
    expect(await listFiles(dir)).toEqual(['journal.jsonl']);
    const d = await journal.begin(call('d'));
    expect((await journal.unsettled()).map((intent) => intent.key)).toEqual(['b', 'd']);
    expect((await lines(path)).map((line) => line.type)).toEqual(['begin', 'begin']);
    expect(d.id > b.id).toBe(true);
  });

  it('shares one descriptor per path, so a compaction through one instance loses no append of another', async () => {
    const { path, journal } = await newJournal();
    const other = new FileJournal({ path });
    journals.push(other);
    await other.begin(call('first'));
    await journal.compact();
    await other.begin(call('second'));
    expect((await journal.unsettled()).map((intent) => intent.key)).toEqual(['first', 'second']);
  });

  it('returns no intents and creates no file for a journal that does not exist', async () => {
    const { dir, journal } = await newJournal();
    expect(await journal.unsettled()).toEqual([]);
    await journal.compact();
    expect(await listFiles(dir)).toEqual(['journal.jsonl']);
    expect(await readFile(join(dir, 'journal.jsonl'), 'utf8')).toBe('');
  });
});

describe('FileJournal after a crash', () => {
  const begin = (id: string, key: string): string =>
    `${JSON.stringify({ type: 'begin', intent: { id, key, backend: 'im', method: 'CreateInfrastructure', target: key, status: 'open', startedAt: '2024-01-01T00:00:00.000Z' } })}\n`;

  const torn: Array<{ reason: string; text: string; open: string[] }> = [
    { reason: 'a torn begin is ignored (its call never ran)', text: begin('1', 'a') + begin('2', 'b').slice(0, 30), open: ['a'] },
    { reason: 'a torn resolve leaves its intent open', text: begin('1', 'a') + '{"type":"resolve","id":"1","sta', open: ['a'] },
    { reason: 'a complete line without its newline is still torn', text: begin('1', 'a') + begin('2', 'b').trimEnd(), open: ['a'] },
    { reason: 'a lone torn line leaves nothing open', text: '{"type":"be', open: [] },
  ];

  it.each(torn)('$reason; the next append starts a clean line', async ({ text, open }) => {
    const { path, journal } = await newJournal();
    await writeFile(path, text);
    expect((await journal.unsettled()).map((intent) => intent.key)).toEqual(open);

    await journal.begin(call('after'));
    expect((await lines(path)).length).toBe(open.length + 1);
    expect((await journal.unsettled()).map((intent) => intent.key)).toEqual([...open, 'after']);
  });

  it('refuses a journal damaged before its last line', async () => {
    const { path, journal } = await newJournal();
    await writeFile(path, `${begin('1', 'a')}garbage\n${begin('2', 'b')}`);
    const error = await journal.unsettled().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConvergeError);
    expect(error).toMatchObject({ kind: 'TERMINAL', code: 'JOURNAL_CORRUPT', message: `journal ${path}:2 is corrupt: not valid JSON` });
  });
});

describe('FileJournal appends in flight together', () => {
  it('writes every line of a burst, in call order, and refuses all of them once the fence fails', async () => {
    const dir = await tempDir();
    const path = join(dir, 'journal.jsonl');
    let held = true;
    const journal = new FileJournal({ path, fence: async () => {
      if (!held) throw new ConvergeError('CONFLICT', 'STATE_LOCK_LOST', 'lock lost');
    } });
    journals.push(journal);
    const begun = await Promise.all(Array.from({ length: 40 }, (_, i) => journal.begin(call(`Infrastructure/n${i}`))));
    expect((await lines(path)).map((line) => (line.intent as Intent).key)).toEqual(begun.map((intent) => intent.key));
    held = false;
    const refused = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => journal.resolve(begun[i]!.id, { status: 'done' })));
    expect(refused.map((r) => r.status)).toEqual(Array(5).fill('rejected'));
    expect(await lines(path)).toHaveLength(40);
  });
});
