/**
 * The controller's shared pieces, on real files and real engine types: the state view passes
 * write through (records of their own resources only, merged on the latest snapshot), the
 * observation cache (served until invalidated or aged, one read per backend and generation), the
 * diff of manifest generations, and what a pass concludes per resource.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Driver, ObservedObject } from '../../src/backends/driver.js';
import { SharedState } from '../../src/controller/shared-state.js';
import { ObservationCache } from '../../src/controller/observation-cache.js';
import { changedResources, type Generation } from '../../src/controller/generation.js';
import { outcomesFromError, outcomesFromReport } from '../../src/controller/pass/pass-outcomes.js';
import { StatusBoard } from '../../src/controller/status/status-board.js';
import { LeaseWatch } from '../../src/controller/lease-timers.js';
import { createJsonLog } from '../../src/controller/log/json-log.js';
import { registerSecret } from '../../src/errors/redact.js';
import { silentSink } from '../../src/engine/events.js';
import type { RunReport } from '../../src/engine/report.js';
import type { ResourceOutcome } from '../../src/controller/status/conditions.js';
import { ConvergeError } from '../../src/errors/converge-error.js';
import { createStateStore } from '../../src/state/index.js';
import type { ObjectRecord } from '../../src/state/types.js';

const record = (key: string, infId: string): ObjectRecord => ({ key, kind: 'Infrastructure', backend: 'im', ids: { infId }, deletionPolicy: 'Delete', createdAt: 't', updatedAt: 't' });

describe('SharedState', () => {
  it('merges each pass’s own resources into the latest snapshot, whatever serial the pass saw', async () => {
    const store = createStateStore({ stateDir: await mkdtemp(join(tmpdir(), 'shared-state-')) });
    const shared = await SharedState.open(store);
    expect(shared.snapshot.serial).toBe(1);
    const a = shared.view(new Set(['Infrastructure/a']));
    const b = shared.view(new Set(['Infrastructure/b']));
    const seenByA = await a.read();
    const seenByB = await b.read();
    seenByA.objects['Infrastructure/a'] = record('Infrastructure/a', '1');
    seenByA.objects['Infrastructure/b'] = record('Infrastructure/b', 'stale');
    seenByB.objects['Infrastructure/b'] = record('Infrastructure/b', '2');
    seenByB.objects['Infrastructure/b/vm/x#duplicate-9'] = record('Infrastructure/b/vm/x#duplicate-9', '9');
    await a.write(seenByA, seenByA.serial);
    const afterB = await b.write(seenByB, seenByB.serial);
    expect(afterB.serial).toBe(3);
    expect(Object.fromEntries(Object.entries((await store.read()).objects).map(([k, r]) => [k, r.ids.infId]))).toEqual({
      'Infrastructure/a': '1',
      'Infrastructure/b': '2',
      'Infrastructure/b/vm/x#duplicate-9': '9',
    });
    delete afterB.objects['Infrastructure/b'];
    afterB.lastApplied = { manifestsDigest: 'from-a-pass', at: 'now' };
    await b.write(afterB, afterB.serial);
    const stored = await store.read();
    expect(Object.keys(stored.objects).sort()).toEqual(['Infrastructure/a', 'Infrastructure/b/vm/x#duplicate-9']);
    expect(stored.lastApplied).toBeUndefined();
    await shared.setLastApplied({ manifestsDigest: 'd', at: 'now', revision: 'abc' });
    expect((await store.read()).lastApplied).toEqual({ manifestsDigest: 'd', at: 'now', revision: 'abc' });
  });
});

/** CountingDriver is a test double of the driver contract that counts observe calls. */
function countingDriver(name: string, objects: () => ObservedObject[]): Driver & { reads: number } {
  const driver = {
    name,
    identity: 'test user',
    type: 'im' as const,
    hooks: { immutable: [], ignored: [] },
    reads: 0,
    expand: () => [],
    observe: async () => {
      driver.reads += 1;
      await new Promise((r) => setTimeout(r, 5));
      return objects();
    },
    lookup: async () => [],
    create: async () => ({}),
    update: async () => ({}),
    delete: async () => ({}),
    close: async () => undefined,
  };
  return driver;
}

const observed = (key: string, backend: string): ObservedObject => ({ key, kind: 'Infrastructure', backend, ids: {}, spec: {}, status: { phase: 'ready' } });
const options = { owner: 'o', signal: new AbortController().signal, sink: silentSink, state: { objects: {} }, now: new Date(), desired: [] };

describe('ObservationCache', () => {
  it('reads a backend once until it is invalidated or too old, and shares concurrent reads', async () => {
    let now = 0;
    const im = countingDriver('im', () => [observed('Infrastructure/web', 'im')]);
    const xen = countingDriver('xen', () => [observed('Infrastructure/lab/vm/a-0', 'xen')]);
    const drivers = new Map<string, Driver>([['im', im], ['xen', xen]]);
    const cache = new ObservationCache({ maxAgeMs: 1000, now: () => now });
    const [first] = await Promise.all([cache.observe(drivers, options), cache.observe(drivers, options)]);
    expect([im.reads, xen.reads]).toEqual([1, 1]);
    expect(first.objects.map((o) => o.key)).toEqual(['Infrastructure/lab/vm/a-0', 'Infrastructure/web']);
    await cache.observe(drivers, options);
    expect([im.reads, xen.reads]).toEqual([1, 1]);
    cache.invalidate(['xen']);
    await cache.observe(drivers, options);
    expect([im.reads, xen.reads]).toEqual([1, 2]);
    now = 1500;
    await cache.observe(drivers, options);
    expect([im.reads, xen.reads]).toEqual([2, 3]);
  });

  it('does not trust a read that an invalidation overtook, and does not cache a failed read', async () => {
    let fail = false;
    const im = countingDriver('im', () => {
      if (fail) throw new ConvergeError('TRANSIENT', 'XMLRPC_TRANSPORT', 'down');
      return [observed('Infrastructure/web', 'im')];
    });
    const drivers = new Map<string, Driver>([['im', im]]);
    const cache = new ObservationCache({ maxAgeMs: 60_000 });
    const reading = cache.observe(drivers, options);
    cache.invalidate(['im']);
    await reading;
    await cache.observe(drivers, options);
    expect(im.reads).toBe(2);
    cache.invalidate(['im']);
    fail = true;
    expect((await cache.observe(drivers, options)).unavailable.get('im')?.code).toBe('XMLRPC_TRANSPORT');
    fail = false;
    expect((await cache.observe(drivers, options)).objects).toHaveLength(1);
    expect(im.reads).toBe(4);
  });
});

describe('changedResources', () => {
  const generation = (desired: Array<[string, number]>, resources = desired.map(([key]) => key), suspended: string[] = []): Generation =>
    ({
      suspended: new Set(suspended),
      desired: desired.map(([key, count]) => ({ key, resource: key.split('/').slice(0, 2).join('/'), kind: 'Infrastructure', backend: 'im', spec: { count }, deletionPolicy: 'Delete', dependsOn: [] })),
      resources: new Map(resources.map((key) => [key.split('/').slice(0, 2).join('/'), 'im'])),
    }) as unknown as Generation;

  it.each([
    { reason: 'nothing changed', before: [['Infrastructure/a', 1]], after: [['Infrastructure/a', 1]], keys: [] },
    { reason: 'a spec changed', before: [['Infrastructure/a', 1], ['Infrastructure/b', 1]], after: [['Infrastructure/a', 2], ['Infrastructure/b', 1]], keys: ['Infrastructure/a'] },
    { reason: 'a resource was added', before: [['Infrastructure/a', 1]], after: [['Infrastructure/a', 1], ['Infrastructure/b', 1]], keys: ['Infrastructure/b'] },
    { reason: 'a resource was removed', before: [['Infrastructure/a', 1], ['Infrastructure/b', 1]], after: [['Infrastructure/a', 1]], keys: ['Infrastructure/b'] },
    { reason: 'one object of a resource changed', before: [['Infrastructure/a/vm/x-0', 1], ['Infrastructure/a/vm/x-1', 1]], after: [['Infrastructure/a/vm/x-0', 1], ['Infrastructure/a/vm/x-1', 3]], keys: ['Infrastructure/a'] },
  ] as Array<{ reason: string; before: Array<[string, number]>; after: Array<[string, number]>; keys: string[] }>)('$reason → $keys', ({ before, after, keys }) => {
    const changed = changedResources(generation(before), generation(after));
    expect([...changed.keys].sort()).toEqual(keys);
    expect([...changed.backends]).toEqual(keys.length > 0 ? ['im'] : []);
  });

  it('counts suspending and resuming a resource as a change, though nothing desired changed', () => {
    const desired: Array<[string, number]> = [['Infrastructure/a', 1], ['Infrastructure/b', 1]];
    const suspended = generation(desired, undefined, ['Infrastructure/a']);
    expect([...changedResources(generation(desired), suspended).keys]).toEqual(['Infrastructure/a']);
    expect([...changedResources(suspended, generation(desired)).keys]).toEqual(['Infrastructure/a']);
  });
});

describe('pass outcomes and conditions', () => {
  const report = (objects: RunReport['objects']): RunReport => ({ outcome: 'partial', exitCode: 3, objects, passes: 1, durationMs: 1, calls: {}, mutatingCalls: 0, retries: [] });

  it.each([
    { reason: 'every object converged', objects: [{ key: 'Infrastructure/lab/vm/a-0', result: 'converged' }], kinds: {}, expected: { result: 'converged' } },
    { reason: 'an object still progressing', objects: [{ key: 'Infrastructure/web', result: 'pending', reason: 'still progressing' }], kinds: {}, expected: { result: 'pending', retryable: true } },
    { reason: 'a transient failure', objects: [{ key: 'Infrastructure/web', result: 'failed', code: 'XMLRPC_TIMEOUT' }], kinds: { 'Infrastructure/web': 'TRANSIENT' }, expected: { result: 'failed', code: 'XMLRPC_TIMEOUT', retryable: true } },
    { reason: 'an invalid spec waits for an edit', objects: [{ key: 'Infrastructure/web', result: 'failed', code: 'IM_INVALID' }], kinds: { 'Infrastructure/web': 'INVALID' }, expected: { result: 'failed', retryable: false } },
    { reason: 'a failed object waits for an edit', objects: [{ key: 'Infrastructure/web', result: 'failed', code: 'OBJECT_FAILED' }], kinds: {}, expected: { result: 'failed', retryable: false } },
    { reason: 'nothing desired any more', objects: [{ key: 'Infrastructure/web', result: 'deleted' }], kinds: {}, expected: { result: 'released' } },
    {
      reason: 'its own destroys held back by --max-destroy',
      objects: [{ key: 'Infrastructure/lab/vm/node-0', result: 'converged' }, { key: 'Infrastructure/lab/vm/node-1', result: 'failed', code: 'MAX_DESTROY', reason: 'Infrastructure/lab would destroy 2 object(s)' }],
      kinds: {},
      expected: { result: 'blocked', code: 'MAX_DESTROY', retryable: false },
    },
  ] as Array<{ reason: string; objects: RunReport['objects']; kinds: Record<string, string>; expected: object }>)('$reason → $expected.result', ({ objects, kinds, expected }) => {
    const key = objects[0]!.key.split('/').slice(0, 2).join('/');
    const [outcome] = outcomesFromReport(report(objects), [key], new Map(Object.entries(kinds)));
    expect(outcome).toMatchObject({ key, ...expected });
  });

  it('blocks every key of a pass refused by --max-destroy, without retrying', () => {
    const error = new ConvergeError('CONFLICT', 'MAX_DESTROY', 'the plan destroys 3 object(s)');
    expect(outcomesFromError(error, ['Infrastructure/b', 'Infrastructure/a'])).toEqual([
      { key: 'Infrastructure/a', result: 'blocked', code: 'MAX_DESTROY', message: 'the plan destroys 3 object(s)', retryable: false },
      { key: 'Infrastructure/b', result: 'blocked', code: 'MAX_DESTROY', message: 'the plan destroys 3 object(s)', retryable: false },
    ]);
  });

  it.each([
    { reason: 'a --max-destroy refusal names its rule', outcome: { result: 'blocked', code: 'MAX_DESTROY' }, ready: ['False', 'DestroyLimit'], synced: ['False', 'DestroyLimit'] },
    { reason: 'deletion protection names its rule', outcome: { result: 'blocked', code: 'DELETION_PROTECTED' }, ready: ['False', 'DeletionProtected'], synced: ['False', 'DeletionProtected'] },
    { reason: 'a suspended resource is neither ready nor failed', outcome: { result: 'suspended' }, ready: ['Unknown', 'Suspended'], synced: ['False', 'Suspended'] },
    { reason: 'a failure is not a refusal', outcome: { result: 'failed', code: 'X' }, ready: ['False', 'Unavailable'], synced: ['False', 'ReconcileError'] },
  ] as Array<{ reason: string; outcome: Omit<ResourceOutcome, 'key'>; ready: string[]; synced: string[] }>)('$reason: Ready $ready, Synced $synced', ({ outcome, ready, synced }) => {
    const record = new StatusBoard().record({ key: 'Infrastructure/lab', ...outcome, message: 'm' }, 't');
    expect([record.ready.status, record.ready.reason]).toEqual(ready);
    expect([record.synced.status, record.synced.reason]).toEqual(synced);
  });

  it('moves a condition’s lastTransitionTime only when its status changes, and keeps the last error', () => {
    const board = new StatusBoard();
    board.record({ key: 'k', result: 'failed', code: 'X', message: 'boom', retryable: true }, 't1');
    board.record({ key: 'k', result: 'failed', code: 'X', message: 'boom', retryable: true }, 't2');
    expect(board.get('k')).toMatchObject({ ready: { status: 'False', lastTransitionTime: 't1' }, synced: { status: 'False', reason: 'ReconcileError', message: 'boom [X]' } });
    const ok = board.record({ key: 'k', result: 'converged' }, 't3');
    expect(ok).toMatchObject({ ready: { status: 'True', reason: 'Available', lastTransitionTime: 't3' }, lastConvergedAt: 't3', lastError: { code: 'X', at: 't2' }, reconciles: 3 });
    expect(board.allReady(['k'])).toBe(true);
    expect(board.allReady(['k', 'other'])).toBe(false);
  });
});

describe('LeaseWatch', () => {
  it('looks at a leased resource again just after its renewal comes due, and follows the latest observation', async () => {
    const fired: string[] = [];
    const leases = new LeaseWatch((key, backend) => fired.push(`${backend} ${key}`));
    const lease = (renewInMs: number) => ({ endsAt: new Date(Date.now() + 86_400_000).toISOString(), renewAt: new Date(Date.now() + renewInMs).toISOString() });
    leases.observed('seattle', [{ ...observed('VesselSet/a', 'seattle'), lease: lease(50) }, { ...observed('VesselSet/b', 'seattle'), lease: lease(3_600_000) }]);
    expect([...leases.scheduled().keys()].sort()).toEqual(['VesselSet/a', 'VesselSet/b']);
    expect(leases.leases().map((l) => l.resource).sort()).toEqual(['VesselSet/a', 'VesselSet/b']);
    leases.observed('seattle', [{ ...observed('VesselSet/a', 'seattle'), lease: lease(50) }]);
    expect([...leases.scheduled().keys()]).toEqual(['VesselSet/a']);
    await new Promise((r) => setTimeout(r, 1300));
    expect(fired).toEqual(['seattle VesselSet/a']);
    leases.stop();
  });
});

describe('the JSON log', () => {
  it('writes one JSON object per line and redacts registered secrets', () => {
    registerSecret('hunter2-very-secret');
    const lines: string[] = [];
    const log = createJsonLog({ level: 'info', write: (line) => lines.push(line) });
    log.warn({ error: 'login failed for token hunter2-very-secret' }, 'action-failed');
    log.debug({}, 'not at this level');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'warn', msg: 'action-failed', error: 'login failed for token [redacted]' });
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]!.endsWith('\n')).toBe(true);
  });
});

describe('the text log (a terminal, or --log-format text)', () => {
  it('writes one readable line per entry, after redaction, with the fields as key=value', () => {
    registerSecret('hunter3-very-secret');
    const lines: string[] = [];
    const log = createJsonLog({ level: 'info', format: 'text', write: (line) => lines.push(line) });
    log.info({ key: 'Infrastructure/lab/vm/node-0', drift: 'Infrastructure/lab: vm/node-0 power running → halted' }, 'drift-detected');
    log.warn({ error: 'token hunter3-very-secret refused', retryInMs: null }, 'not-converged');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  drift-detected key=Infrastructure\/lab\/vm\/node-0 drift="Infrastructure\/lab: vm\/node-0 power running → halted"\n$/);
    expect(lines[1]).toMatch(/ WARN  not-converged error="token \[redacted\] refused" retryInMs=null\n$/);
    expect(lines.join('')).not.toMatch(/[{}]|"level"|hunter3/);
  });
});
