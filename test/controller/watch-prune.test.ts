/**
 * Deleting manifests under `converge watch --prune --max-destroy 1 --workers 2`: a pass that
 * would destroy more than one object is refused (the resource reports Ready and Synced False, DestroyLimit, and
 * nothing is touched); deleted files within the budget are pruned according to their
 * deletionPolicy: Delete destroys the infrastructure, Orphan lets it go and leaves it running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { copyExamples } from '../helpers/cli.js';
import { embeddedImState, liveInfrastructures } from '../helpers/im-sim-state.js';
import { allReady, resource, startWatch, waitFor, type WatchProcess } from '../helpers/watch.js';
import { embeddedXenState, markedKeys } from '../helpers/xen-sim-state.js';

describe('converge watch --prune --max-destroy 1 --workers 2', () => {
  let dir = '';
  let watch: WatchProcess;
  const liveKeys = () => liveInfrastructures(embeddedImState(dir)).map((i) => i.key).sort();

  beforeAll(async () => {
    dir = await copyExamples();
    watch = await startWatch(dir, ['--prune', '--max-destroy', '1', '--workers', '2', '--resync', '1h', '--debounce', '100ms']);
    await waitFor(async () => allReady(await watch.status()), 30_000, 'every resource Ready');
  });

  afterAll(async () => {
    await watch?.stop('SIGKILL');
  });

  it('refuses to prune more objects than --max-destroy allows in one pass, and touches nothing', async () => {
    const lab = markedKeys(embeddedXenState(dir, 'xen-local'));
    expect(lab).toHaveLength(4);
    // Keep the Backend document (a backend that is gone cannot be observed, so nothing of it is pruned).
    const xen = await readFile(join(dir, 'xen.yaml'), 'utf8');
    await writeFile(join(dir, 'xen.yaml'), xen.slice(0, xen.indexOf('\n---\n')));
    const doc = await waitFor(async () => {
      const d = await watch.status();
      return resource(d, 'Infrastructure/lab')?.conditions.Synced.reason === 'DestroyLimit' && d;
    }, 15_000, 'the lab prune to be blocked');
    expect(resource(doc, 'Infrastructure/lab')!.lastError).toMatchObject({ code: 'MAX_DESTROY' });
    expect(resource(doc, 'Infrastructure/lab')!.conditions.Synced.message).toMatch(/more than --max-destroy 1 allows/);
    await sleep(500);
    expect(markedKeys(embeddedXenState(dir, 'xen-local'))).toEqual(lab);
  });

  it('prunes a deleted Delete-policy infrastructure and lets an Orphan-policy one go, running', async () => {
    const data = liveInfrastructures(embeddedImState(dir)).find((i) => i.key === 'Infrastructure/data')!;
    await rm(join(dir, 'web.yaml'));
    await rm(join(dir, 'data.yaml'));
    await waitFor(() => !liveKeys().includes('Infrastructure/web'), 15_000, 'web to be destroyed');
    await waitFor(async () => {
      const state = JSON.parse(await readFile(join(dir, '.converge', 'state.json'), 'utf8')) as { objects: Record<string, { orphaned?: boolean }> };
      return state.objects['Infrastructure/data']?.orphaned === true;
    }, 15_000, 'data to be orphaned in state');
    expect(liveKeys()).toEqual(['Infrastructure/data']);
    expect(liveInfrastructures(embeddedImState(dir)).find((i) => i.key === 'Infrastructure/data')!.vms.map((v) => v.id)).toEqual(data.vms.map((v) => v.id));
    // The simulator saves before it replies; the controller's status follows when the pass ends.
    await waitFor(async () => resource(await watch.status(), 'Infrastructure/web') === undefined, 10_000, 'web to leave /status');
    const doc = await watch.status();
    expect(resource(doc, 'Infrastructure/web')).toBeUndefined();
    // Letting go is its own action (forget), never a delete.
    expect(watch.logs().filter((l) => l.msg === 'action-done' && l.action === 'delete').map((l) => l.key)).toEqual(['Infrastructure/web']);
    expect(watch.logs().filter((l) => l.msg === 'action-done' && l.action === 'forget').map((l) => l.key)).toEqual(['Infrastructure/data']);
  });
});
