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

  it('lists a live object that is not ready yet as pending, and the left-alone object in the summary', () => {
    const result = plan([desired('A', base)], [observed('A', base, 'progressing'), observed('B', base)]);
    expect(result.pending).toEqual([{ key: 'A', phase: 'progressing' }]);
    expect(result.leftAlone).toEqual([{ key: 'B', backend: 'im', ids: { infId: 'id-B' } }]);
    const text = renderPlan(result, { color: false });
    expect(text).toMatch(/^No changes to apply\.\n1 no longer in the manifests: left alone; --prune deletes them/);
    expect(text).toContain('  ? B (im) infId=id-B');
    expect(text).not.toContain('matches the manifests');
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

describe('planChanges: objects in motion, surplus copies, letting go', () => {
  type Extra = Partial<Pick<Parameters<typeof planChanges>[0], 'inMotion' | 'blocked' | 'surplus' | 'gone'>>;
  function planWith(d: DesiredObject[], o: ObservedObject[], extra: Extra, options: { prune?: boolean; records?: Record<string, { ids: Record<string, string>; deletionPolicy: 'Delete' | 'Orphan' }> } = {}) {
    const objects = Object.fromEntries(
      Object.entries(options.records ?? {}).map(([key, r]) => [key, { key, kind: 'Infrastructure', backend: 'im', createdAt: '', updatedAt: '', ...r }]),
    );
    return planChanges({
      desired: d,
      observed: o,
      state: { lineage: 'l', serial: 3, objects },
      hooks: { im: HOOKS },
      prune: () => options.prune ?? false,
      manifestsDigest: 'm',
      now: new Date('2026-01-01T00:00:00Z'),
      generator: 'test',
      ...extra,
    });
  }
  const copy = (key: string, id: string): ObservedObject => ({ ...observed(key, base), ids: { infId: id } });
  const changing = (key: string, spec: JsonObject): ObservedObject => ({ ...observed(key, spec), status: { phase: 'progressing', changing: true, message: 'IM is still changing it' } });

  const rows: Array<{ reason: string; run: () => ReturnType<typeof planChanges>; want: Record<string, ActionType>; pending?: Array<Record<string, unknown>> }> = [
    {
      reason: 'a key whose create has an unknown outcome gets no second create while it is in motion',
      run: () => planWith([desired('A', base)], [], { inMotion: new Map([['A', 'CreateInfrastructure may still take effect']]) }),
      want: { A: 'noop' },
      pending: [{ key: 'A', phase: 'progressing', message: 'CreateInfrastructure may still take effect' }],
    },
    {
      reason: 'an object the backend is still changing gets no update, even with a diff (IM: a partial VM list)',
      run: () => planWith([desired('A', base)], [changing('A', { ...base, deploy: { node: 1 } })], {}),
      want: { A: 'noop' },
      pending: [{ key: 'A', phase: 'progressing', message: 'IM is still changing it' }],
    },
    {
      reason: 'an object no longer desired but in motion is not deleted, even with prune',
      run: () => planWith([], [observed('B', base)], { inMotion: new Map([['B', 'waiting']]) }, { prune: true }),
      want: {},
    },
    {
      reason: 'a contested key (two live copies, none provably ours) gets nothing and fails',
      run: () => planWith([desired('A', base)], [], { blocked: new Map([['A', { code: 'DUPLICATE_OBJECTS', message: '2 live objects carry this key' }]]) }),
      want: { A: 'noop' },
      pending: [{ key: 'A', phase: 'failed', code: 'DUPLICATE_OBJECTS', message: '2 live objects carry this key' }],
    },
    {
      reason: 'a proven surplus copy is deleted with prune',
      run: () => planWith([desired('A', base)], [copy('A', 'kept')], { surplus: [{ object: { ...copy('A', 'extra'), key: 'A#surplus-extra' }, of: 'A', kept: 'infId=kept (recorded in state)' }] }, { prune: true }),
      want: { A: 'noop', 'A#surplus-extra': 'delete' },
    },
    {
      reason: 'without prune the surplus copy is named and the object it copies fails (never converged)',
      run: () => planWith([desired('A', base)], [copy('A', 'kept')], { surplus: [{ object: { ...copy('A', 'extra'), key: 'A#surplus-extra' }, of: 'A', kept: 'infId=kept (recorded in state)' }] }),
      want: { A: 'noop' },
      pending: [{ key: 'A', phase: 'failed', code: 'SURPLUS_COPY' }],
    },
    {
      reason: 'a pruned Orphan-policy object is forgotten, not deleted',
      run: () => planWith([], [observed('B', base)], {}, { prune: true, records: { B: { ids: { infId: 'id-B' }, deletionPolicy: 'Orphan' } } }),
      want: { B: 'forget' },
    },
    {
      reason: 'an external object a resource only used is forgotten when the resource goes (prune), never deleted',
      run: () => planWith([], [{ ...observed('Infrastructure/w/network/lan', base), external: true }], {}, { prune: true }),
      want: { 'Infrastructure/w/network/lan': 'forget' },
    },
    {
      reason: 'an external object dropped from a still-desired resource is forgotten without prune',
      run: () => planWith([{ ...desired('Infrastructure/w/vm/a-0', base), resource: 'Infrastructure/w' }], [observed('Infrastructure/w/vm/a-0', base), { ...observed('Infrastructure/w/network/lan', base), external: true }], {}),
      want: { 'Infrastructure/w/vm/a-0': 'noop', 'Infrastructure/w/network/lan': 'forget' },
    },
  ];
  it.each(rows)('$reason', ({ run, want, pending }) => {
    const result = run();
    expect(Object.fromEntries(result.actions.map((a) => [a.key, a.action]))).toEqual(want);
    if (pending) expect(result.pending).toEqual(pending.map((p) => expect.objectContaining(p)));
  });

  it('says why it creates an object state recorded: the backend proved it gone', () => {
    const result = planWith([desired('A', base)], [], { gone: new Map([['A', 'GetInfrastructureState: Invalid infrastructure ID or access not granted.']]) }, { records: { A: { ids: { infId: 'old' }, deletionPolicy: 'Delete' } } });
    expect(result.actions[0]!.reason).toBe('recorded as infId=old, which the backend says no longer exists (GetInfrastructureState: Invalid infrastructure ID or access not granted.)');
  });

  it('renders forget apart from deletes and counts it on its own', () => {
    const result = planWith([], [observed('B', base), observed('C', base)], {}, { prune: true, records: { B: { ids: { infId: 'id-B' }, deletionPolicy: 'Orphan' } } });
    const text = renderPlan(result, { color: false });
    expect(text).toContain('. B will no longer be managed by converge');
    expect(text).toContain('- C');
    expect(text).toContain('Plan: 0 to create, 0 to update, 0 to replace, 1 to delete, 1 to forget (no longer managed, left live).');
    expect(result.summary).toMatchObject({ delete: 1, forget: 1 });
  });
});
