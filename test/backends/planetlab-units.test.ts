/**
 * The pure parts of the PlanetLab driver, as tables: slice-tag changes, the renewal date, the
 * ownership marker, and what a Slice expands into.
 */
import { describe, expect, it } from 'vitest';
import { tagChanges } from '../../src/backends/planetlab/apply/tag-changes.js';
import { renewalFacts, renewalTarget, RENEWAL_CAP_MS } from '../../src/backends/planetlab/observe/renewal-facts.js';
import { readMarker, withMarker } from '../../src/backends/planetlab/spec/ownership-marker.js';
import { expandSlice } from '../../src/backends/planetlab/spec/slice-spec.js';
import type { SliceTagRecord } from '../../src/backends/planetlab/plc/plc-records.js';
import type { SliceResource } from '../../src/manifest/types.js';

const tag = (id: number, tagname: string, value: string): SliceTagRecord => ({ sliceTagId: id, sliceId: 1, tagname, value, nodeId: null, nodegroupId: null });
const DAY = 86_400_000;

describe('tagChanges', () => {
  const cases: Array<{ reason: string; wanted: Record<string, string[]>; current: SliceTagRecord[]; ops: unknown[] }> = [
    { reason: 'nothing to do when the values match', wanted: { vref: ['f33'] }, current: [tag(1, 'vref', 'f33')], ops: [] },
    { reason: 'a missing tag is added', wanted: { vref: ['f33'] }, current: [], ops: [{ op: 'add', name: 'vref', value: 'f33' }] },
    { reason: 'a changed single value is updated in place', wanted: { vref: ['f33'] }, current: [tag(1, 'vref', 'f12')], ops: [{ op: 'update', id: 1, name: 'vref', value: 'f33' }] },
    { reason: 'a name no longer wanted is deleted', wanted: {}, current: [tag(1, 'vref', 'f12')], ops: [{ op: 'delete', id: 1, name: 'vref', value: 'f12' }] },
    {
      reason: 'several values: kept ones stay, one is rewritten, the rest added',
      wanted: { vsys: ['a', 'b', 'c'] },
      current: [tag(1, 'vsys', 'a'), tag(2, 'vsys', 'x')],
      ops: [{ op: 'update', id: 2, name: 'vsys', value: 'b' }, { op: 'add', name: 'vsys', value: 'c' }],
    },
    { reason: 'a duplicate value is removed', wanted: { vsys: ['a'] }, current: [tag(1, 'vsys', 'a'), tag(2, 'vsys', 'a')], ops: [{ op: 'delete', id: 2, name: 'vsys', value: 'a' }] },
  ];
  it.each(cases)('$reason', ({ wanted, current, ops }) => {
    const names = [...Object.keys(wanted), ...current.map((t) => t.tagname)];
    expect(tagChanges(wanted, current, names)).toEqual(ops);
  });
});

describe('renewal', () => {
  const now = new Date(Date.UTC(2026, 11, 1));
  const policy = { enabled: true, renewBeforeMs: 7 * DAY, extendToMs: 56 * DAY };
  it.each([
    { reason: 'a non-admin is clamped a minute below PLC 8-week cap', extendTo: 56 * DAY, admin: false, target: now.getTime() + RENEWAL_CAP_MS - 60_000 },
    { reason: 'a shorter extension is taken as asked', extendTo: 30 * DAY, admin: false, target: now.getTime() + 30 * DAY },
    { reason: 'an admin may go past the cap', extendTo: 70 * DAY, admin: true, target: now.getTime() + 70 * DAY },
  ])('$reason', ({ extendTo, admin, target }) => {
    expect(renewalTarget(now, extendTo, admin)).toBe(target);
  });

  it('is due only inside the margin, with the lease it shows', () => {
    const expires = (now.getTime() + 6 * DAY) / 1000;
    expect(renewalFacts(expires, policy, now, false)).toMatchObject({ due: true, renewTo: Math.floor((now.getTime() + RENEWAL_CAP_MS - 60_000) / 1000) });
    expect(renewalFacts(expires, { ...policy, renewBeforeMs: 5 * DAY }, now, false)).toMatchObject({ due: false, lease: { endsAt: new Date(expires * 1000).toISOString() } });
    expect(renewalFacts(expires, { ...policy, enabled: false }, now, false).due).toBe(false);
  });
});

describe('ownership marker', () => {
  it('round-trips through the description and keeps the user text apart', () => {
    const text = withMarker('Latency measurements', { owner: 'team a', key: 'Slice/measure' });
    expect(text).toBe('Latency measurements\n\n[converge owner=team%20a key=Slice%2Fmeasure]');
    expect(readMarker(text)).toEqual({ marker: { owner: 'team a', key: 'Slice/measure' }, text: 'Latency measurements' });
    expect(readMarker(withMarker(undefined, { owner: 'o', key: 'Slice/x' }))).toEqual({ marker: { owner: 'o', key: 'Slice/x' }, text: '' });
    expect(readMarker('made by hand')).toEqual({ text: 'made by hand' });
    expect(readMarker(null)).toEqual({ text: null });
  });
});

describe('expandSlice', () => {
  const resource = (spec: Partial<SliceResource['spec']>): SliceResource => ({
    apiVersion: 'converge/v1',
    kind: 'Slice',
    metadata: { name: 'exp', labels: {} },
    source: { file: 'x.yaml', line: 1, col: 1 },
    spec: {
      backend: 'plc',
      name: 'princeton_exp',
      instantiation: 'delegated',
      controller: 'princeton_ctl',
      nodes: ['Node2.upmc.test', 'node1.princeton.test'],
      persons: ['PI@princeton.test'],
      tags: { vsys: ['b', 'a'] },
      slivers: { default: 'running', nodes: { 'node2.upmc.test': 'stopped' } },
      renewal: { enabled: true, renewBeforeMs: 7 * DAY, extendToMs: 56 * DAY },
      deletionPolicy: 'Delete',
      ...spec,
    },
  });

  it('makes one slice object and one sliver object per node of a delegated slice', () => {
    const objects = expandSlice(resource({}), undefined);
    expect(objects.map((o) => [o.key, o.dependsOn])).toEqual([
      ['Slice/exp', []],
      ['Slice/exp/sliver/node1.princeton.test', ['Slice/exp']],
      ['Slice/exp/sliver/node2.upmc.test', ['Slice/exp']],
    ]);
    expect(objects[0]!.spec).toMatchObject({ nodes: ['node1.princeton.test', 'node2.upmc.test'], persons: ['pi@princeton.test'], tags: { vsys: ['a', 'b'] }, controller: 'princeton_ctl', renewalDue: false });
    expect(objects[2]!.spec).toEqual({ slice: 'princeton_exp', node: 'node2.upmc.test', state: 'stopped', access: { controller: 'princeton_ctl', login: 'princeton_ctl' } });
  });

  it('makes no sliver objects for a slice the nodes instantiate, and no renewal flag when renewal is off', () => {
    const objects = expandSlice(resource({ instantiation: 'plc-instantiated', controller: undefined, renewal: { enabled: false, renewBeforeMs: 0, extendToMs: 0 } }), 'root');
    expect(objects.map((o) => o.key)).toEqual(['Slice/exp']);
    expect(objects[0]!.spec).not.toHaveProperty('renewalDue');
  });
});
