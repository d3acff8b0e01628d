import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConvergeError } from '../../src/errors/converge-error.js';
import { createStateStore, withLock, type CreateStateStoreOptions } from '../../src/state/index.js';
import { listFiles, tempDir } from './helpers.js';

describe('createStateStore', () => {
  const layouts: Array<{ reason: string; options: (dir: string) => CreateStateStoreOptions; stateFile: string; journalDir: string }> = [
    { reason: 'stateDir holds state.json, its lock and the journal', options: (dir) => ({ stateDir: join(dir, '.converge') }), stateFile: '.converge/state.json', journalDir: '.converge' },
    { reason: 'path names the state file; lock and journal sit beside it', options: (dir) => ({ path: join(dir, 'elsewhere', 'prod.json') }), stateFile: 'elsewhere/prod.json', journalDir: 'elsewhere' },
  ];

  it.each(layouts)('$reason', async ({ options, stateFile, journalDir }) => {
    const dir = await tempDir();
    const store = createStateStore({ ...options(dir), owner: 'team-a' });
    expect(store.description).toBe(`file ${join(dir, stateFile)}`);

    await withLock(store, { timeoutMs: 0, command: 'converge apply' }, async (lock) => {
      expect(JSON.parse(await readFile(`${join(dir, stateFile)}.lock`, 'utf8'))).toEqual(lock.holder);
      const written = await store.write(await store.read(), 0);
      expect(written).toMatchObject({ owner: 'team-a', serial: 1 });
      const intent = await store.journal.begin({ key: 'Infrastructure/web', backend: 'im', method: 'CreateInfrastructure', target: 'im/web' });
      await store.journal.resolve(intent.id, { status: 'done' });
    });

    const name = stateFile.split('/').pop() as string;
    expect(await listFiles(join(dir, journalDir))).toEqual(['journal.jsonl', name].sort());
    expect(await store.inspect()).toBeUndefined();
  });
});

describe('withLock', () => {
  it('releases the lock when the work throws, and passes the error on', async () => {
    const store = createStateStore({ stateDir: await tempDir() });
    const failure = new ConvergeError('TERMINAL', 'BOOM', 'boom');
    await expect(withLock(store, { timeoutMs: 0, command: 'c' }, () => Promise.reject(failure))).rejects.toBe(failure);
    expect(await store.inspect()).toBeUndefined();
  });

  it('does not run the work when the lock is held', async () => {
    const store = createStateStore({ stateDir: await tempDir() });
    let ran = false;
    await withLock(store, { timeoutMs: 0, command: 'first' }, async () => {
      await expect(
        withLock(store, { timeoutMs: 0, command: 'second' }, async () => {
          ran = true;
        }),
      ).rejects.toMatchObject({ code: 'STATE_LOCKED', message: expect.stringContaining('(first)') });
    });
    expect(ran).toBe(false);
  });
});

describe('createStateStore by URL', () => {
  it('a postgres:// or postgresql:// URL selects PostgreSQL (described without its password); anything else is a state file', async () => {
    const dir = await tempDir();
    const pg = createStateStore({ url: 'postgres://app:hunter2-secret@db.example:6432/infra?schema=team_a', workspace: 'prod' });
    expect(pg.description).toBe('postgresql://app@db.example:6432/infra (schema team_a, workspace prod)');
    expect(createStateStore({ url: 'postgresql://app@db.example/infra' }).description).toContain('workspace default');
    expect(createStateStore({ url: join(dir, 'state.json') }).description).toBe(`file ${join(dir, 'state.json')}`);
    expect(createStateStore({ url: `file://${join(dir, 'other.json')}` }).description).toBe(`file ${join(dir, 'other.json')}`);
    expect(() => createStateStore({ url: 'postgres://db.example/infra', workspace: '' })).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
