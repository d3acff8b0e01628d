/**
 * NameReads (src/backends/xenapi/api/name-reads.ts): the creates that start together share one
 * read of the VMs with their names, and no caller is answered by a read sent before it asked
 * (the clone's `before` list stays as fresh as a read of its own).
 */
import { describe, expect, it } from 'vitest';
import { MAX_NAMES, NameReads, nameExpression } from '../../src/backends/xenapi/api/name-reads.js';

interface Read {
  names: string[];
  answer(found: Array<[string, string]>): void;
  fail(error: Error): void;
}

function fakeReads(): { reads: Read[]; names: NameReads } {
  const reads: Read[] = [];
  const names = new NameReads(
    (asked) =>
      new Promise((resolve, reject) => {
        reads.push({ names: asked, answer: resolve, fail: reject });
      }),
  );
  return { reads, names };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const never = new AbortController().signal;

describe('NameReads', () => {
  it('reads the names asked in one turn with one call and answers each with its own uuids', async () => {
    const { reads, names } = fakeReads();
    const asked = ['a', 'b', 'c', 'a'].map((name) => names.uuidsNamed(name, never));
    await tick();
    expect(reads.map((r) => r.names)).toEqual([['a', 'b', 'c']]);
    reads[0]!.answer([['a', 'u1'], ['c', 'u2'], ['a', 'u3']]);
    expect(await Promise.all(asked)).toEqual([['u1', 'u3'], [], ['u2'], ['u1', 'u3']]);
  });

  it('answers a name asked while a read is out with a read of its own, sent after it asked', async () => {
    const { reads, names } = fakeReads();
    const first = names.uuidsNamed('a', never);
    await tick();
    const second = names.uuidsNamed('a', never); // the read out now was sent before this call
    const third = names.uuidsNamed('b', never);
    await tick();
    expect(reads.map((r) => r.names)).toEqual([['a'], ['a', 'b']]); // not held back by the first
    reads[1]!.answer([['a', 'appeared-meanwhile'], ['b', 'u']]);
    expect(await Promise.all([second, third])).toEqual([['appeared-meanwhile'], ['u']]);
    reads[0]!.answer([]);
    expect(await first).toEqual([]);
  });

  it('fails every caller of a failed read, and reads again for later callers', async () => {
    const { reads, names } = fakeReads();
    const both = [names.uuidsNamed('a', never), names.uuidsNamed('b', never)];
    await tick();
    reads[0]!.fail(new Error('connection reset'));
    for (const p of both) await expect(p).rejects.toThrow('connection reset');
    const again = names.uuidsNamed('a', never);
    await tick();
    reads[1]!.answer([['a', 'u']]);
    expect(await again).toEqual(['u']);
  });

  it('rejects an aborted caller at once and still answers the others', async () => {
    const { reads, names } = fakeReads();
    const stop = new AbortController();
    const cut = names.uuidsNamed('a', stop.signal);
    const kept = names.uuidsNamed('b', never);
    await tick();
    stop.abort();
    await expect(cut).rejects.toMatchObject({ code: 'ABORTED' });
    reads[0]!.answer([['b', 'u']]);
    expect(await kept).toEqual(['u']);
    await expect(names.uuidsNamed('c', stop.signal)).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it(`reads at most ${MAX_NAMES} names at a time`, async () => {
    const { reads, names } = fakeReads();
    const all = Array.from({ length: 2 * MAX_NAMES + 5 }, (_, i) => names.uuidsNamed(`vm-${i}`, never));
    await tick();
    await tick();
    await tick();
    expect(reads.map((r) => r.names.length)).toEqual([MAX_NAMES, MAX_NAMES, 5]);
    expect(new Set(reads.flatMap((r) => r.names)).size).toBe(2 * MAX_NAMES + 5);
    for (const read of reads) read.answer([]);
    expect(await Promise.all(all)).toHaveLength(2 * MAX_NAMES + 5);
  });

  it('writes the where-expression of xapi\'s filter language', () => {
    expect(nameExpression(['a', 'b'])).toBe('field "name__label" = "a" or field "name__label" = "b"');
  });
});
