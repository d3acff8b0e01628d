/**
 * Persistence across a restart (DESIGN §6): the object store is saved before each mutating call
 * is answered and loaded on start; sessions and tasks are not kept, as in xapi. Plus the
 * deterministic-ids option.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEED_UUIDS, XenApiSimulator } from '../../../src/backends/xenapi/sim/index.js';
import { startTestXen, XenTestClient } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xen-sim-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('persistence', () => {
  it('keeps objects across a restart, drops sessions and tasks, and moves tokens on', async () => {
    const persistPath = join(dir, 'state.json');
    const first = await startTestXen({ persistPath });
    const c = first.client;
    const vm = String(await c.call('VM.clone', await c.ref('VM', SEED_UUIDS.templateDebianLocal), 'kept'));
    expect(readFileSync(persistPath, 'utf8')).toContain(vm);
    await c.call('VM.provision', vm);
    await c.call('VM.add_to_other_config', vm, 'converge.key', 'web/0');
    await c.call('VM.start', vm, false, false);
    await c.call('task.create', 'transient', '');
    const { token } = (await c.call('event.from', ['vm'], '', 0)) as { token: string };
    const oldSession = c.session;
    const uuid = await c.call('VM.get_uuid', vm);
    await first.close();

    const second = await startTestXen({ persistPath });
    try {
      const d = second.client;
      expect(await d.call('VM.get_by_uuid', uuid)).toBe(vm);
      expect(await d.record('VM', vm)).toMatchObject({ name_label: 'kept', power_state: 'Running', other_config: expect.objectContaining({ 'converge.key': 'web/0' }) });
      expect(await d.call('VM.get_by_name_label', 'Debian Bookworm 12')).toHaveLength(1);
      expect(await d.call('task.get_all')).toEqual([]);
      expect(await new XenTestClient(second.url).bare('pool.get_all', oldSession).catch((e: { description: string[] }) => e.description)).toEqual([
        'SESSION_INVALID',
        oldSession,
      ]);
      const { token: next } = (await d.call('event.from', ['vm'], '', 0)) as { token: string };
      expect(next > token).toBe(true);
      expect(await d.fail('event.from', ['vm'], token, 0)).toEqual(['EVENTS_LOST']);
    } finally {
      await second.close();
    }
  });

  it('refuses a file that is not a simulator state', () => {
    const persistPath = join(dir, 'other.json');
    writeFileSync(persistPath, JSON.stringify({ version: 7 }));
    expect(() => new XenApiSimulator({ persistPath })).toThrow(/not a XenAPI simulator state file/);
  });
});

describe('deterministic ids', () => {
  it('gives the same refs and uuids for the same idSeed', async () => {
    const refs: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const xen = await startTestXen({ idSeed: 42 });
      try {
        const vm = String(await xen.client.call('VM.clone', await xen.client.ref('VM', SEED_UUIDS.templateOther), 'same'));
        refs.push([vm, String(await xen.client.call('VM.get_uuid', vm)), ...((await xen.client.call('VM.get_all')) as string[])]);
      } finally {
        await xen.close();
      }
    }
    expect(refs[0]).toEqual(refs[1]);
  });
});
