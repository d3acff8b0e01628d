/**
 * Renaming a resource under `converge watch --prune` (metadata.previousNames, as reconcile
 * honours it: src/workspace/renames.ts): the controller moves the state record to the new key
 * and reads the live object, still marked with the old key, under the new one. With prune on, a
 * rename the controller ignored would destroy the old infrastructure and create a new one; here
 * the same infrastructure stays, under the new name, and nothing is created or destroyed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { copyExamples } from '../helpers/cli.js';
import { embeddedImState, liveInfrastructures } from '../helpers/im-sim-state.js';
import { allReady, resource, startWatch, waitFor, type WatchProcess } from '../helpers/watch.js';

describe('converge watch --prune with a renamed resource', () => {
  let dir = '';
  let watch: WatchProcess;
  const stateObjects = async () => (JSON.parse(await readFile(join(dir, '.converge', 'state.json'), 'utf8')) as { objects: Record<string, { ids: Record<string, string> }> }).objects;

  beforeAll(async () => {
    dir = await copyExamples();
    watch = await startWatch(dir, ['--prune', '--resync', '1h', '--debounce', '100ms']);
    await waitFor(async () => allReady(await watch.status()), 30_000, 'every resource Ready');
  });

  afterAll(async () => {
    await watch?.stop('SIGKILL');
  });

  it('keeps the live infrastructure under the new name: no create, no destroy', async () => {
    const before = liveInfrastructures(embeddedImState(dir));
    const web = before.find((i) => i.key === 'Infrastructure/web')!;
    expect(web).toBeDefined();
    const logged = watch.logs().length;
    const text = await readFile(join(dir, 'web.yaml'), 'utf8');
    await writeFile(join(dir, 'web.yaml'), text.replace('  name: web\n', '  name: site\n  previousNames: [web]\n'));

    const doc = await waitFor(async () => {
      const d = await watch.status();
      return resource(d, 'Infrastructure/site')?.conditions.Ready.status === 'True' && resource(d, 'Infrastructure/web') === undefined && d;
    }, 20_000, 'Infrastructure/site Ready and web gone from /status');
    expect(resource(doc, 'Infrastructure/site')!.conditions.Synced.status).toBe('True');
    await waitFor(async () => (await stateObjects())['Infrastructure/site'] !== undefined, 10_000, 'the state record under the new key');
    await sleep(500); // a pass that wrongly pruned would have acted by now

    const objects = await stateObjects();
    expect(objects['Infrastructure/web']).toBeUndefined();
    expect(Object.values(objects['Infrastructure/site']!.ids)).toContain(web.id);
    // The same infrastructures live, with the same VMs; the marker keeps the old key.
    const after = liveInfrastructures(embeddedImState(dir));
    expect(after.map((i) => i.id).sort()).toEqual(before.map((i) => i.id).sort());
    expect(after.find((i) => i.id === web.id)!.vms.map((v) => v.id)).toEqual(web.vms.map((v) => v.id));
    const acted = watch.logs().slice(logged).filter((l) => l.msg === 'action-done' && ['create', 'delete', 'replace'].includes(String(l.action)));
    expect(acted.map((l) => `${String(l.action)} ${String(l.key)}`)).toEqual([]);
  });
});
