/**
 * Tables for the pure parts of the lifecycle verbs: destroy planning (deletionPolicy, external
 * objects, other resources), --replace, resource selection (--target, -l) and renames.
 */
import { describe, expect, it } from 'vitest';
import type { DesiredObject, ObservedObject } from '../../src/backends/driver.js';
import { selectScope } from '../../src/engine/select/selection.js';
import { selectedScope } from '../../src/controller/pass/selected-scope.js';
import type { ManifestSet, Resource } from '../../src/manifest/types.js';
import { planChanges } from '../../src/plan/plan-changes.js';
import { planDestroy } from '../../src/plan/plan-destroy.js';
import type { ActionType } from '../../src/plan/types.js';
import { renamesOf, renameState } from '../../src/workspace/renames.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const common = { hooks: { im: { immutable: [], ignored: [] } }, manifestsDigest: 'm', now: NOW, generator: 'test' };

function observed(key: string, extra: Partial<ObservedObject> = {}): ObservedObject {
  return { key, kind: 'Infrastructure', backend: 'im', ids: { id: key }, spec: { n: 1 }, status: { phase: 'ready' }, ...extra };
}

function desired(key: string): DesiredObject {
  return { key, resource: key.split('/').slice(0, 2).join('/'), kind: 'Infrastructure', backend: 'im', spec: { n: 1 }, deletionPolicy: 'Delete', dependsOn: [] };
}

const actions = (plan: { actions: Array<{ key: string; action: ActionType }> }): Record<string, ActionType> => Object.fromEntries(plan.actions.map((a) => [a.key, a.action]));

describe('planDestroy', () => {
  const rows: Array<{ reason: string; resources: Record<string, 'Delete' | 'Orphan'>; observed: ObservedObject[]; recorded?: string[]; want: Record<string, ActionType> }> = [
    { reason: 'a Delete resource is deleted', resources: { 'Infrastructure/a': 'Delete' }, observed: [observed('Infrastructure/a')], want: { 'Infrastructure/a': 'delete' } },
    { reason: 'an Orphan resource is forgotten, never deleted', resources: { 'Infrastructure/a': 'Orphan' }, observed: [observed('Infrastructure/a')], want: { 'Infrastructure/a': 'forget' } },
    { reason: 'every object under the resource goes (VMs and networks)', resources: { 'Infrastructure/x': 'Delete' }, observed: [observed('Infrastructure/x/vm/n-0'), observed('Infrastructure/x/network/net')], want: { 'Infrastructure/x/vm/n-0': 'delete', 'Infrastructure/x/network/net': 'delete' } },
    { reason: 'an external object a resource used is forgotten', resources: { 'Infrastructure/x': 'Delete' }, observed: [observed('Infrastructure/x/network/pool', { external: true })], recorded: ['Infrastructure/x/network/pool'], want: { 'Infrastructure/x/network/pool': 'forget' } },
    { reason: 'an external object already let go (no state record) is not forgotten again, pass after pass', resources: { 'Infrastructure/x': 'Delete' }, observed: [observed('Infrastructure/x/network/pool', { external: true })], want: {} },
    { reason: 'objects of resources not destroyed are not touched or mentioned', resources: { 'Infrastructure/a': 'Delete' }, observed: [observed('Infrastructure/a'), observed('Infrastructure/b')], want: { 'Infrastructure/a': 'delete' } },
  ];
  for (const row of rows) {
    it(row.reason, () => {
      const objects = Object.fromEntries((row.recorded ?? []).map((key) => [key, { key, kind: 'Infrastructure' as const, backend: 'im', ids: { id: key }, deletionPolicy: 'Delete' as const, createdAt: '', updatedAt: '', external: true }]));
      const plan = planDestroy({ ...common, observed: row.observed, state: { lineage: 'l', serial: 1, objects }, resources: new Map(Object.entries(row.resources)) });
      expect(actions(plan)).toEqual(row.want);
      expect(plan.notes).toEqual([]);
    });
  }
});

describe('--replace', () => {
  const plan = (replace: string[], observedObjects: ObservedObject[], inMotion = new Map<string, string>()) =>
    planChanges({ ...common, desired: [desired('Infrastructure/a'), desired('Infrastructure/b')], observed: observedObjects, state: { lineage: 'l', serial: 1, objects: {} }, prune: () => false, replace: new Set(replace), inMotion });
  it('replaces a live object without a diff, and only the one named', () => {
    expect(actions(plan(['Infrastructure/a'], [observed('Infrastructure/a'), observed('Infrastructure/b')]))).toEqual({ 'Infrastructure/a': 'replace', 'Infrastructure/b': 'noop' });
  });
  it('creates an object that is not live yet', () => {
    expect(actions(plan(['Infrastructure/a'], []))['Infrastructure/a']).toBe('create');
  });
  it('leaves a key in motion alone', () => {
    expect(actions(plan(['Infrastructure/a'], [observed('Infrastructure/a')], new Map([['Infrastructure/a', 'a create is unanswered']])))['Infrastructure/a']).toBe('noop');
  });
});

function manifests(resources: Array<[Resource['kind'], string, Record<string, string>, string[]?]>): ManifestSet {
  return {
    dir: 'm',
    files: [],
    diagnostics: [],
    digest: 'd',
    resources: resources.map(([kind, name, labels, previousNames]) =>
      ({ kind, metadata: { name, labels, ...(previousNames ? { previousNames } : {}) }, spec: { backend: 'im', deletionPolicy: 'Delete' } }) as unknown as Resource,
    ),
  };
}

describe('selection', () => {
  const set = manifests([['Backend', 'im', {}], ['Infrastructure', 'web', { tier: 'web', env: 'prod' }], ['Infrastructure', 'db', { tier: 'db', env: 'prod' }], ['VesselSet', 'probes', { env: 'test' }]]);
  const rows: Array<{ reason: string; targets?: string[]; labels?: string[]; want: string[] | undefined | RegExp }> = [
    { reason: 'no flag selects everything', want: undefined },
    { reason: 'targets are a union', targets: ['Infrastructure/web', 'VesselSet/probes'], want: ['Infrastructure/web', 'VesselSet/probes'] },
    { reason: 'a Backend target selects the resources on it', targets: ['Backend/im'], want: ['Infrastructure/db', 'Infrastructure/web', 'VesselSet/probes'] },
    { reason: 'label selectors must all match', labels: ['env=prod', 'tier!=db'], want: ['Infrastructure/web'] },
    { reason: 'comma-separated selectors in one flag', labels: ['env=prod,tier=db'], want: ['Infrastructure/db'] },
    { reason: 'targets filtered by labels', targets: ['Infrastructure/web', 'VesselSet/probes'], labels: ['env=test'], want: ['VesselSet/probes'] },
    { reason: 'an unknown target is a usage error naming it', targets: ['Infrastructure/wbe'], want: /--target Infrastructure\/wbe: no such resource/ },
    { reason: 'a selector that matches nothing is a usage error', labels: ['env=staging'], want: /-l env=staging select no resource/ },
    { reason: 'a malformed selector is a usage error', labels: ['env'], want: /-l env: expected key=value/ },
  ];
  for (const row of rows) {
    it(row.reason, () => {
      const run = () => selectScope(set, { targets: row.targets ?? [], labels: row.labels ?? [] });
      if (row.want instanceof RegExp) expect(run).toThrow(row.want);
      else expect(row.want === undefined ? run() : [...run()!].sort()).toEqual(row.want);
    });
  }
});

describe('watch passes within a selection', () => {
  const set = manifests([['Backend', 'im', {}], ['Infrastructure', 'web', { tier: 'web' }], ['Infrastructure', 'db', { tier: 'db' }]]);
  const keys = ['Infrastructure/web', 'Infrastructure/db/vm/n-0'];
  it('a full pass becomes a pass over the selection', () => {
    expect(selectedScope(set, { labels: ['tier=db'] }, keys, undefined)).toEqual({ keys: ['Infrastructure/db/vm/n-0'], scope: new Set(['Infrastructure/db']) });
  });
  it('a pass over unselected resources does not run', () => {
    expect(selectedScope(set, { targets: ['Infrastructure/db'] }, ['Infrastructure/web'], new Set(['Infrastructure/web']))).toBeUndefined();
  });
  it('no selection changes nothing', () => {
    expect(selectedScope(set, undefined, keys, undefined)).toEqual({ keys, scope: undefined });
  });
  it('manifests that no longer select anything run no pass', () => {
    expect(selectedScope(set, { labels: ['tier=cache'] }, keys, undefined)).toBeUndefined();
  });
});

describe('renames (metadata.previousNames)', () => {
  const rename = renamesOf(manifests([['Infrastructure', 'site', {}, ['web']], ['Infrastructure', 'lab2', {}, ['lab', 'db']], ['Infrastructure', 'db', {}]]))!;
  it('maps every key under an old name, and nothing else', () => {
    expect(rename('Infrastructure/web')).toBe('Infrastructure/site');
    expect(rename('Infrastructure/lab/vm/node-0')).toBe('Infrastructure/lab2/vm/node-0');
    expect(rename('Infrastructure/web#surplus-7')).toBe('Infrastructure/site#surplus-7');
    expect(rename('Infrastructure/website')).toBe('Infrastructure/website');
    expect(rename('VesselSet/web')).toBe('VesselSet/web');
  });
  it('ignores a previous name that is another resource\'s current name', () => {
    expect(rename('Infrastructure/db')).toBe('Infrastructure/db');
  });
  it('moves state records, keeping a record already under the new key', () => {
    const record = (key: string, id: string) => ({ key, kind: 'Infrastructure', backend: 'im', ids: { id }, deletionPolicy: 'Delete' as const, createdAt: '', updatedAt: '' });
    const state = renameState({ formatVersion: 1, lineage: 'l', serial: 2, owner: 'o', objects: { 'Infrastructure/web': record('Infrastructure/web', '1'), 'Infrastructure/lab/vm/n-0': record('Infrastructure/lab/vm/n-0', '2'), 'Infrastructure/lab2/vm/n-0': record('Infrastructure/lab2/vm/n-0', '3') } }, rename);
    expect(Object.fromEntries(Object.entries(state.objects).map(([k, r]) => [k, r.ids.id]))).toEqual({ 'Infrastructure/site': '1', 'Infrastructure/lab2/vm/n-0': '3' });
    expect(state.objects['Infrastructure/site']!.key).toBe('Infrastructure/site');
  });
});
