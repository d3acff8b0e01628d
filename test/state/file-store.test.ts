import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConvergeError } from '../../src/errors/converge-error.js';
import { FileStateStore } from '../../src/state/file-store.js';
import type { ObjectRecord, StateSnapshot } from '../../src/state/types.js';
import { listFiles, tempDir } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function newStore(owner?: string): Promise<{ dir: string; path: string; store: FileStateStore }> {
  const dir = join(await tempDir(), '.converge');
  const path = join(dir, 'state.json');
  return { dir, path, store: new FileStateStore({ path, ...(owner !== undefined && { owner }) }) };
}

function record(key: string): ObjectRecord {
  return {
    key,
    kind: 'Infrastructure',
    backend: 'im',
    ids: { infId: `inf-${key}` },
    deletionPolicy: 'Delete',
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
  };
}

async function storedJson(path: string): Promise<StateSnapshot> {
  return JSON.parse(await readFile(path, 'utf8')) as StateSnapshot;
}

async function rejection(promise: Promise<unknown>): Promise<ConvergeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConvergeError);
  return error as ConvergeError;
}

describe('FileStateStore.read', () => {
  it('returns a fresh snapshot without writing anything when no file exists', async () => {
    const { dir, store, path } = await newStore();
    const snapshot = await store.read();
    expect(snapshot).toMatchObject({ formatVersion: 1, serial: 0, objects: {} });
    expect(snapshot.lineage).toMatch(UUID);
    expect(snapshot.owner).toBe(snapshot.lineage);
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(store.description).toBe(`file ${path}`);
  });

  it('uses the configured owner for a fresh snapshot', async () => {
    const { store } = await newStore('team-a');
    expect((await store.read()).owner).toBe('team-a');
  });

  it('returns what was written', async () => {
    const { store } = await newStore();
    const fresh = await store.read();
    const written = await store.write({ ...fresh, objects: { 'Infrastructure/web': record('web') } }, 0);
    expect(await store.read()).toEqual(written);
  });
});

describe('FileStateStore.write', () => {
  it('bumps the serial by one per write and keeps the previous version as backup', async () => {
    const { dir, path, store } = await newStore();
    const fresh = await store.read();
    const first = await store.write(fresh, 0);
    expect(first.serial).toBe(1);
    expect((await storedJson(path)).serial).toBe(1);

    const second = await store.write({ ...first, objects: { 'Infrastructure/web': record('web') } }, 1);
    expect(second.serial).toBe(2);
    expect(await storedJson(path)).toEqual(second);
    expect((await storedJson(`${path}.backup`)).serial).toBe(1);
    expect(second.lineage).toBe(fresh.lineage);
    expect(await listFiles(dir)).toEqual(['state.json', 'state.json.backup']);
  });

  it('writes pretty JSON with sorted keys and mode 0600', async () => {
    const { path, store } = await newStore('o');
    const fresh = await store.read();
    await store.write({ ...fresh, objects: { 'b/x': record('x'), 'a/y': record('y') } }, 0);
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.indexOf('"a/y"')).toBeLessThan(text.indexOf('"b/x"'));
    expect(text.indexOf('"formatVersion"')).toBeLessThan(text.indexOf('"lineage"'));
    expect(text.indexOf('"lineage"')).toBeLessThan(text.indexOf('"objects"'));
    expect(text).toContain('\n  "serial": 1');
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  const conflicts: Array<{ reason: string; storedWrites: number; expectedSerial: number; otherLineage?: boolean; code: string; message: RegExp }> = [
    { reason: 'a writer that read serial 1 loses to one that already wrote serial 2', storedWrites: 2, expectedSerial: 1, code: 'STATE_SERIAL_CONFLICT', message: /is at serial 2, but this write expected serial 1/ },
    { reason: 'a writer may not claim a serial ahead of the stored one', storedWrites: 1, expectedSerial: 5, code: 'STATE_SERIAL_CONFLICT', message: /is at serial 1, but this write expected serial 5/ },
    { reason: 'a missing file counts as serial 0', storedWrites: 0, expectedSerial: 3, code: 'STATE_SERIAL_CONFLICT', message: /is at serial 0, but this write expected serial 3/ },
    { reason: 'a snapshot of another lineage never overwrites this state', storedWrites: 1, expectedSerial: 1, otherLineage: true, code: 'STATE_LINEAGE_MISMATCH', message: /has lineage .* but the snapshot being written has lineage/ },
  ];

  it.each(conflicts)('CONFLICT: $reason', async ({ storedWrites, expectedSerial, otherLineage, code, message }) => {
    const { path, store } = await newStore();
    let snapshot = await store.read();
    for (let serial = 0; serial < storedWrites; serial++) snapshot = await store.write(snapshot, serial);
    const before = storedWrites > 0 ? await readFile(path, 'utf8') : undefined;

    const attempt = otherLineage ? { ...snapshot, lineage: 'another-lineage' } : snapshot;
    const error = await rejection(store.write(attempt, expectedSerial));
    expect(error.kind).toBe('CONFLICT');
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(path);
    if (before === undefined) await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    else expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('lets exactly one of several concurrent writers with the same expected serial win', async () => {
    const { dir, path, store } = await newStore();
    const fresh = await store.read();
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd', 'e'].map((key) => store.write({ ...fresh, objects: { [key]: record(key) } }, 0)),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as ConvergeError).code)).toEqual(Array(4).fill('STATE_SERIAL_CONFLICT'));
    expect((await storedJson(path)).serial).toBe(1);
    expect(await listFiles(dir)).toEqual(['state.json']);
  });
});

describe('FileStateStore with a damaged file', () => {
  const damaged: Array<{ reason: string; text: string; code: string; message: RegExp }> = [
    { reason: 'text that is not JSON', text: '{"formatVersion":1,"lin', code: 'STATE_CORRUPT', message: /is corrupt: not valid JSON/ },
    { reason: 'an empty file', text: '', code: 'STATE_CORRUPT', message: /is corrupt: not valid JSON/ },
    { reason: 'a JSON array', text: '[]', code: 'STATE_CORRUPT', message: /is corrupt: not a JSON object/ },
    { reason: 'a negative serial', text: '{"formatVersion":1,"lineage":"l","serial":-1,"owner":"o","objects":{}}', code: 'STATE_CORRUPT', message: /serial is not a non-negative integer/ },
    { reason: 'missing objects', text: '{"formatVersion":1,"lineage":"l","serial":3,"owner":"o"}', code: 'STATE_CORRUPT', message: /objects is not an object/ },
    { reason: 'a format from a newer converge', text: '{"formatVersion":2,"lineage":"l","serial":3}', code: 'STATE_FORMAT_UNSUPPORTED', message: /formatVersion 2/ },
  ];

  it.each(damaged)('read and write fail TERMINAL on $reason and leave the file untouched', async ({ text, code, message }) => {
    const { dir, path, store } = await newStore();
    await mkdir(dir, { recursive: true });
    await writeFile(path, text);

    const onRead = await rejection(store.read());
    expect([onRead.kind, onRead.code]).toEqual(['TERMINAL', code]);
    expect(onRead.message).toMatch(message);
    expect(onRead.message).toContain(path);

    const onWrite = await rejection(store.write({ formatVersion: 1, lineage: 'l', serial: 3, owner: 'o', objects: {} }, 3));
    expect(onWrite.code).toBe(code);
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(await listFiles(dir)).toEqual(['state.json']);
  });
});
