/**
 * `converge state …` as a user runs it (the compiled CLI), on the file store and on PostgreSQL.
 * The states are seeded through the state module; no manifest and no backend exist at all, so
 * every command shown working here provably calls no backend.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createStateStore, type StateStoreWithTransfer } from '../../src/state/index.js';
import type { StateSnapshot } from '../../src/state/types.js';
import { jsonLines, runCli } from '../helpers/cli.js';
import { pgUrl, type PostgresInfo } from '../helpers/postgres.js';
import { tempDir } from './helpers.js';
import { record } from './store-contract.js';

const opened: StateStoreWithTransfer[] = [];
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close?.()));
});

function postgres(): PostgresInfo {
  const info = inject('postgres');
  if ('error' in info) throw new Error(info.error);
  return info as PostgresInfo;
}

const KEYS = ['Infrastructure/web', 'Infrastructure/lab/vm/a-0', 'Infrastructure/lab/vm/a-1', 'Infrastructure/lab/network/n', 'VesselSet/m'];

/** seed writes a state with KEYS at serial 3 and one unsettled intent on VesselSet/m. */
async function seed(location: { stateDir: string } | { url: string }): Promise<StateSnapshot> {
  const store = createStateStore({ ...location, owner: 'team-a' } as Parameters<typeof createStateStore>[0]);
  opened.push(store);
  const lock = await store.acquire({ timeoutMs: 0, command: 'seed' });
  let state = await store.write(await store.read(), 0);
  state = await store.write(state, 1);
  state = await store.write({ ...state, objects: Object.fromEntries(KEYS.map((k) => [k, record(k)])), lastApplied: { manifestsDigest: 'd', at: '2026-01-01T00:00:00.000Z' } }, 2);
  await store.journal.begin({ key: 'VesselSet/m', backend: 'seattle-local', method: 'acquire_resources', target: 'wan×3' });
  await lock.release();
  return state;
}

async function fileState(): Promise<{ dir: string; stateDir: string }> {
  const dir = join(await tempDir(), 'manifests');
  return { dir, stateDir: join(dir, '.converge') };
}

describe('converge state on the file store', () => {
  it('list and show print what state holds; show of a missing key is a usage error (exit 4)', async () => {
    const { dir, stateDir } = await fileState();
    const seeded = await seed({ stateDir });
    const list = await runCli(['state', 'list', '--dir', dir]);
    expect(list.code).toBe(0);
    for (const key of KEYS) expect(list.stdout).toContain(`  ${key}  im-local  infId=id-${key}`);
    expect(list.stdout).toContain(`serial 3, lineage ${seeded.lineage}, owner team-a`);
    const show = await runCli(['state', 'show', 'Infrastructure/lab', '--dir', dir, '--json']);
    expect((jsonLines(show.stdout)[0]!.records as Array<{ key: string }>).map((r) => r.key)).toEqual(['Infrastructure/lab/network/n', 'Infrastructure/lab/vm/a-0', 'Infrastructure/lab/vm/a-1']);
    const missing = await runCli(['state', 'show', 'Infrastructure/nope', '--dir', dir]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('state has no object Infrastructure/nope');
  });

  it('mv renames a resource (every key under it) and rm forgets one, keeping ids; no backend exists to call', async () => {
    const { dir, stateDir } = await fileState();
    const seeded = await seed({ stateDir });
    const mv = await runCli(['state', 'mv', 'Infrastructure/lab', 'Infrastructure/lab2', '--dir', dir]);
    expect(mv.stderr).toBe('');
    expect(mv.code).toBe(0);
    expect(mv.stdout).toContain('Infrastructure/lab/vm/a-0 → Infrastructure/lab2/vm/a-0');
    const rm = await runCli(['state', 'rm', 'Infrastructure/web', '--dir', dir, '--json']);
    expect(jsonLines(rm.stdout)[0]).toMatchObject({ type: 'state-rm', removed: ['Infrastructure/web'], serial: 5 });

    const after = await createStateStore({ stateDir }).read();
    expect(after.lineage).toBe(seeded.lineage);
    expect(Object.keys(after.objects).sort()).toEqual(['Infrastructure/lab2/network/n', 'Infrastructure/lab2/vm/a-0', 'Infrastructure/lab2/vm/a-1', 'VesselSet/m']);
    expect(after.objects['Infrastructure/lab2/vm/a-0']).toEqual({ ...seeded.objects['Infrastructure/lab/vm/a-0'], key: 'Infrastructure/lab2/vm/a-0' });
  });

  it('refuses an edit that would lose track of something with a usage error (exit 4), writing nothing', async () => {
    const { dir, stateDir } = await fileState();
    await seed({ stateDir });
    const result = await runCli(['state', 'mv', 'Infrastructure/web', 'VesselSet/web', '--dir', dir]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('the kind would change');
    expect((await createStateStore({ stateDir }).read()).serial).toBe(3);
  });

  it('an edit while another run holds the lock exits 5 naming it; unlock refuses a live holder unless --force', async () => {
    const { dir, stateDir } = await fileState();
    await seed({ stateDir });
    const holder = createStateStore({ stateDir });
    const lock = await holder.acquire({ timeoutMs: 0, command: 'converge reconcile elsewhere' });
    const blocked = await runCli(['state', 'rm', 'Infrastructure/web', '--dir', dir]);
    expect(blocked.code).toBe(5);
    expect(blocked.stderr).toContain(`pid ${process.pid} (converge reconcile elsewhere)`);
    const refused = await runCli(['state', 'unlock', '--dir', dir]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('--force');
    const forced = await runCli(['state', 'unlock', '--force', '--dir', dir]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('(converge reconcile elsewhere)');
    expect(await holder.inspect()).toBeUndefined();
    await expect(holder.write(await holder.read(), 3)).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await lock.release();
  });
});

describe('converge state migrate', () => {
  it('file → PostgreSQL → file keeps lineage, serial, every record and the unsettled intent', async () => {
    const { dir, stateDir } = await fileState();
    const seeded = await seed({ stateDir });
    const url = pgUrl(postgres());
    const toPg = await runCli(['state', 'migrate', '--dir', dir, '--to', url, '--workspace', 'checkout-a']);
    expect(toPg.stderr).toBe('');
    expect(toPg.stdout).toContain(`lineage ${seeded.lineage}, serial 3, 5 object(s), 1 journal intent(s) (1 unsettled)`);
    expect(toPg.stdout).not.toContain(postgres().password);
    const pg = createStateStore({ url, workspace: 'checkout-a' });
    opened.push(pg);
    expect(await pg.read()).toEqual(seeded);
    expect((await pg.journal.unsettled()).map((i) => i.key)).toEqual(['VesselSet/m']);

    const again = await runCli(['state', 'migrate', '--dir', dir, '--to', url, '--workspace', 'checkout-a']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds a state; refusing to overwrite it');

    const back = join(await tempDir(), 'back', 'state.json');
    const toFile = await runCli(['state', 'migrate', '--state', url, '--workspace', 'checkout-a', '--to', back, '--json']);
    expect(jsonLines(toFile.stdout)[0]).toMatchObject({ type: 'state-migrate', lineage: seeded.lineage, serial: 3, objects: 5, intents: 1 });
    const file = createStateStore({ path: back });
    expect(await file.read()).toEqual(seeded);
    expect((await file.journal.unsettled()).map((i) => i.key)).toEqual(['VesselSet/m']);
  });

  it('state commands work on a PostgreSQL workspace through CONVERGE_STATE, without a password in any output', async () => {
    const info = postgres();
    const url = pgUrl(info);
    await seed({ url });
    const env = { CONVERGE_STATE: url, CONVERGE_WORKSPACE: 'default' };
    const mv = await runCli(['state', 'mv', 'VesselSet/m', 'VesselSet/n', '--dir', '/nonexistent'], { env });
    expect(mv.code).toBe(1); // its intent is unsettled
    const rm = await runCli(['state', 'rm', 'Infrastructure/lab', '--dir', '/nonexistent'], { env });
    expect(rm.code).toBe(0);
    const list = await runCli(['state', 'list', '--dir', '/nonexistent', '--json'], { env });
    const json = jsonLines(list.stdout)[0]!;
    expect(json).toMatchObject({ type: 'state', serial: 4, owner: 'team-a', store: expect.stringContaining(`postgresql://postgres@127.0.0.1:${info.port}/postgres (schema `) });
    expect((json.objects as Array<{ key: string }>).map((o) => o.key)).toEqual(['Infrastructure/web', 'VesselSet/m']);
    for (const out of [mv, rm, list]) expect(out.stdout + out.stderr).not.toContain(info.password);
  });
});
