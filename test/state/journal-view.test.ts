/**
 * The file journal answers `recent()`, `unsettled()` and `compact()` from a replay kept in memory
 * (src/state/journal-view.ts). These tests hold it to its contract: after any sequence of
 * appends, settles, compactions and changes made to the file by someone else, what it answers is
 * exactly what a replay of the file's bytes gives (replayIntents, the rule recovery relies on).
 */
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileJournal } from '../../src/state/file-journal.js';
import { encodeEntry, replayIntents } from '../../src/state/journal-entry.js';
import { isUnsettled, type Intent } from '../../src/state/types.js';
import { newJournal } from './helpers.js';


function call(key: string): Omit<Intent, 'id' | 'status' | 'startedAt'> {
  return { key, backend: 'xenapi', method: 'VM.clone', target: `vm ${key}`, action: 'create', context: { name: key } };
}

/** fromFile: what a replay of the file's bytes says (recovery's view). */
function fromFile(path: string): Intent[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = '';
  }
  return replayIntents(text, path);
}

async function expectSameAsFile(journal: FileJournal, path: string): Promise<void> {
  const file = fromFile(path);
  expect(await journal.recent()).toEqual(file);
  expect(await journal.unsettled()).toEqual(file.filter(isUnsettled));
}

/** A small deterministic generator, so a failing sequence can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('the file journal in memory', () => {
  it('answers what a replay of the file answers, after every step of a random mix of appends, settles, compactions and foreign writes', async () => {
    const { path, journal } = await newJournal();
    const next = random(13);
    const begun: Intent[] = [];
    for (let step = 0; step < 160; step += 1) {
      const roll = next();
      const some = begun[Math.floor(next() * begun.length)];
      if (roll < 0.35 || !some) begun.push(await journal.begin(call(`k${step}`)));
      else if (roll < 0.6) await journal.resolve(some.id, { status: next() < 0.5 ? 'done' : 'unknown', outcome: { ref: `r${step}` } });
      else if (roll < 0.72) await journal.settle(some.id, `looked at step ${step}`, next() < 0.5 ? { ids: { uuid: `u${step}` } } : undefined);
      else if (roll < 0.8) await journal.compact();
      else if (roll < 0.88) {
        // another writer appends (a second process, or a person): the view must not hide it
        const foreign: Intent = { ...call(`f${step}`), id: `foreign-${step}`, status: 'open', startedAt: new Date(0).toISOString() };
        appendFileSync(path, encodeEntry({ type: 'begin', intent: foreign }));
        begun.push(foreign);
      } else if (roll < 0.94) {
        // another writer rewrites it whole (its own compaction), to the same length if it can
        const text = readFileSync(path, 'utf8');
        writeFileSync(`${path}.tmp`, text.replace(/"status":"open"/, '"status":"unknown"'));
        renameSync(`${path}.tmp`, path);
      } else {
        await journal.close(); // the descriptor goes; the next append reopens it
      }
      await expectSameAsFile(journal, path);
    }
  });

  it('sees a line another process appended right after our own write, and a torn tail is ignored as by a replay (and cut when the file is opened again)', async () => {
    const { path, journal } = await newJournal();
    const mine = await journal.begin(call('a'));
    await expectSameAsFile(journal, path);
    const theirs: Intent = { ...call('b'), id: 'theirs', status: 'open', startedAt: new Date(0).toISOString() };
    appendFileSync(path, encodeEntry({ type: 'begin', intent: theirs }));
    appendFileSync(path, '{"type":"resolve","id":"theirs","sta'); // a torn write
    expect((await journal.unsettled()).map((i) => i.id)).toEqual([mine.id, 'theirs']);
    await expectSameAsFile(journal, path);
    await journal.close(); // as after a crash: the next append opens the file and cuts the torn tail
    await journal.resolve(mine.id, { status: 'done' });
    expect(fromFile(path).map((i) => [i.id, i.status])).toEqual([[mine.id, 'done'], ['theirs', 'open']]);
    await expectSameAsFile(journal, path);
  });

  it('compact keeps exactly the unsettled intents a replay of the file finds', async () => {
    const { path, journal } = await newJournal();
    const a = await journal.begin(call('a'));
    const b = await journal.begin(call('b'));
    const c = await journal.begin(call('c'));
    await journal.resolve(a.id, { status: 'done' });
    await journal.resolve(b.id, { status: 'unknown' });
    await journal.recent(); // the view is taken now; c's settle below is followed in memory
    await journal.settle(c.id, 'observed present', { ids: { uuid: 'u' } });
    await journal.compact();
    expect(fromFile(path).map((i) => [i.id, i.status])).toEqual([[b.id, 'unknown']]);
    await expectSameAsFile(journal, path);
  });

  it('hands out intents that cannot be changed behind its back', async () => {
    const { journal } = await newJournal();
    await journal.begin(call('a'));
    const [intent] = await journal.recent();
    expect(Object.isFrozen(intent)).toBe(true);
    expect(() => Object.assign(intent!, { status: 'done' })).toThrow(TypeError);
    expect((await journal.unsettled()).map((i) => i.status)).toEqual(['open']);
  });
});
