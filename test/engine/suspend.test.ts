/**
 * Suspension as the engine sees it (src/engine/suspend.ts): which resources are suspended, and
 * the scope a run gets so that nothing of them is planned, applied or pruned.
 */
import { describe, expect, it } from 'vitest';
import { scopeWithoutSuspended, suspendedResources } from '../../src/engine/suspend.js';
import type { ManifestSet } from '../../src/manifest/types.js';
import type { StateSnapshot } from '../../src/state/types.js';

const resource = (kind: string, name: string, annotations?: Record<string, string>) => ({ kind, metadata: { name, labels: {}, ...(annotations ? { annotations } : {}) } });
const manifests = (...resources: Array<ReturnType<typeof resource>>) => ({ resources }) as unknown as ManifestSet;
const state = (...keys: string[]) => ({ objects: Object.fromEntries(keys.map((k) => [k, {}])) }) as unknown as StateSnapshot;
const SUSPEND = { 'converge.io/suspend': 'true' };

describe('suspension', () => {
  const set = manifests(resource('Backend', 'xen', SUSPEND), resource('Infrastructure', 'lab', SUSPEND), resource('Infrastructure', 'web'), resource('VesselSet', 'pool', { 'converge.io/suspend': 'false' }));

  it('lists the workload resources annotated "true" (a Backend cannot be suspended)', () => {
    expect(suspendedResources(set)).toEqual(['Infrastructure/lab']);
  });

  it.each([
    { reason: 'nothing suspended: the scope is left as it was', set: manifests(resource('Infrastructure', 'web')), scope: undefined, expected: undefined },
    { reason: 'unscoped: every known resource (manifests and state) but the suspended', set, scope: undefined, expected: ['Infrastructure/gone', 'Infrastructure/web', 'VesselSet/pool'] },
    { reason: 'a scope without suspended keys is kept', set, scope: ['Infrastructure/web'], expected: ['Infrastructure/web'] },
    { reason: 'a scope loses its suspended keys', set, scope: ['Infrastructure/lab', 'Infrastructure/web'], expected: ['Infrastructure/web'] },
  ] as Array<{ reason: string; set: ManifestSet; scope: string[] | undefined; expected: string[] | undefined }>)('$reason', ({ set, scope, expected }) => {
    const result = scopeWithoutSuspended(set, state('Infrastructure/gone/vm/a-0', 'Infrastructure/lab/vm/b-0'), scope && new Set(scope));
    expect(result && [...result].sort()).toEqual(expected);
  });
});
