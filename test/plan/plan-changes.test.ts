import { describe, expect, it } from 'vitest';
import type { DesiredObject, ObservedObject, PlanHooks } from '../../src/backends/driver.js';
import { planChanges, observedDigest } from '../../src/plan/plan-changes.js';
import { renderPlan } from '../../src/plan/render.js';
import type { ActionType } from '../../src/plan/types.js';
import type { JsonObject } from '../../src/util/json.js';

const HOOKS: PlanHooks = { immutable: ['networks', 'systems.*.image'], ignored: ['memoryBytes'] };

function desired(key: string, spec: JsonObject, deletionPolicy: 'Delete' | 'Orphan' = 'Delete'): DesiredObject {
  return { key, resource: key, kind: 'Infrastructure', backend: 'im', spec, deletionPolicy, dependsOn: [] };
}

function observed(key: string, spec: JsonObject, phase: ObservedObject['status']['phase'] = 'ready'): ObservedObject {
  return { key, kind: 'Infrastructure', backend: 'im', ids: { infId: `id-${key}` }, spec, status: { phase } };
}

const base = { networks: { net: { outbound: false } }, systems: { node: { image: 'img', cpu: 1 } }, deploy: { node: 2 } };

function plan(d: DesiredObject[], o: ObservedObject[], prune = false, orphaned: string[] = []) {
  const objects = Object.fromEntries(
    orphaned.map((key) => [key, { key, kind: 'Infrastructure', backend: 'im', ids: {}, deletionPolicy: 'Orphan' as const, orphaned: true, createdAt: '', updatedAt: '' }]),
  );
  return planChanges({
    desired: d,
    observed: o,
    state: { lineage: 'l', serial: 3, objects },
    hooks: { im: HOOKS },
    prune: () => prune,
    manifestsDigest: 'm',
    now: new Date('2026-01-01T00:00:00Z'),
    generator: 'test',
  });
}

describe('planChanges', () => {
  const rows: Array<{ reason: string; d: DesiredObject[]; o: ObservedObject[]; prune?: boolean; orphaned?: string[]; want: Record<string, ActionType>; paths?: string[] }> = [
    { reason: 'a desired object that is not live is created', d: [desired('A', base)], o: [], want: { A: 'create' } },
    { reason: 'an identical live object needs nothing', d: [desired('A', base)], o: [observed('A', base)], want: { A: 'noop' } },
    {
      reason: 'a changed deploy count is an in-place update of that field only',
      d: [desired('A', { ...base, deploy: { node: 4 } })],
      o: [observed('A', base)],
      want: { A: 'update' },
      paths: ['deploy.node'],
    },
    {
      reason: 'a changed image cannot be changed in place and forces replacement',
      d: [desired('A', { ...base, systems: { node: { image: 'img2', cpu: 1 } } })],
      o: [observed('A', base)],
      want: { A: 'replace' },
      paths: ['systems.node.image'],
    },
    {
      reason: 'a new system appearing under an immutable subtree forces replacement',
      d: [desired('A', { ...base, systems: { node: { image: 'img', cpu: 1 }, extra: { image: 'x', cpu: 1 } } })],
      o: [observed('A', base)],
      want: { A: 'replace' },
      paths: ['systems.extra'],
    },
    {
      reason: 'ignored fields never show as a change',
      d: [desired('A', { ...base, memoryBytes: { node: 1 } })],
      o: [observed('A', base)],
      want: { A: 'noop' },
    },
    { reason: 'an owned object not in the manifests is left alone without prune', d: [], o: [observed('B', base)], want: {} },
    { reason: 'with prune it is deleted', d: [], o: [observed('B', base)], prune: true, want: { B: 'delete' } },
    { reason: 'an orphaned object is never touched, even with prune', d: [], o: [observed('B', base)], prune: true, orphaned: ['B'], want: {} },
    {
      reason: 'a part of a still-desired resource (a VM beyond a lowered count) is deleted without prune',
      d: [desired('Infrastructure/w/vm/a-0', base)].map((x) => ({ ...x, resource: 'Infrastructure/w' })),
      o: [observed('Infrastructure/w/vm/a-0', base), observed('Infrastructure/w/vm/a-1', base)],
      want: { 'Infrastructure/w/vm/a-0': 'noop', 'Infrastructure/w/vm/a-1': 'delete' },
    },
  ];
  it.each(rows)('$reason', ({ d, o, prune, orphaned, want, paths }) => {
    const result = plan(d, o, prune, orphaned);
    expect(Object.fromEntries(result.actions.map((a) => [a.key, a.action]))).toEqual(want);
    if (paths) expect(result.actions[0]!.changes.map((c) => c.path)).toEqual(paths);
  });

  it('deletes dependents before what they depend on', () => {
    const vm = { ...observed('Infrastructure/w/vm/a-0', base), dependsOn: ['Infrastructure/w/network/lan'] };
    const result = plan([], [vm, observed('Infrastructure/w/network/lan', base)], true);
    const net = result.actions.find((a) => a.key === 'Infrastructure/w/network/lan')!;
    expect(net.dependsOn).toEqual(['Infrastructure/w/vm/a-0']);
    expect(result.actions.find((a) => a.key === 'Infrastructure/w/vm/a-0')!.dependsOn).toEqual([]);
  });

  it('lists a live object that is not ready yet as pending, and the left-alone object as a note', () => {
    const result = plan([desired('A', base)], [observed('A', base, 'progressing'), observed('B', base)]);
    expect(result.pending).toEqual([{ key: 'A', phase: 'progressing' }]);
    expect(result.notes[0]).toMatch(/^B is on backend im but in no manifest/);
  });

  it('is JSON-serialisable and carries its inputs digests', () => {
    const result = plan([desired('A', { ...base, deploy: { node: 3 } })], [observed('A', base)]);
    const copy = JSON.parse(JSON.stringify(result));
    expect(copy).toEqual(result);
    expect(result).toMatchObject({ formatVersion: 1, manifestsDigest: 'm', state: { lineage: 'l', serial: 3 }, summary: { update: 1 } });
    expect(result.actions[0]!.changes).toEqual([{ path: 'deploy.node', before: 2, after: 3 }]);
  });

  it('observedDigest changes with specs or ids but not with readiness', () => {
    const a = observedDigest([observed('A', base, 'ready')]);
    expect(observedDigest([observed('A', base, 'progressing')])).toBe(a);
    expect(observedDigest([observed('A', { ...base, deploy: { node: 1 } })])).not.toBe(a);
  });

  it('renders + ~ -/+ - with a summary, and no colour codes unless asked', () => {
    const result = plan(
      [desired('A', base), desired('C', { ...base, deploy: { node: 5 } }), desired('D', { ...base, networks: {} })],
      [observed('C', base), observed('D', base), observed('E', base)],
      true,
    );
    const text = renderPlan(result, { color: false });
    expect(text).toContain('+ A');
    expect(text).toContain('~ C');
    expect(text).toContain('~ deploy.node: 2 → 5');
    expect(text).toContain('-/+ D');
    expect(text).toContain('# forces replacement');
    expect(text).toContain('- E');
    expect(text).toContain('Plan: 1 to create, 1 to update, 1 to replace, 1 to delete.');
    expect(text).not.toMatch(/\u001b\[/);
    expect(renderPlan(result, { color: true })).toMatch(/\u001b\[/);
  });
});
