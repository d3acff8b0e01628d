/**
 * Golden plans (issue 12): a change written in a manifest renders in the manifest's terms and
 * units. Each directory under golden/ holds `before.yaml` (what is live: observed as the driver
 * expands it) and `after.yaml` (the manifests now), side by side with `expected.txt`, the plan
 * text. Run with UPDATE_GOLDEN=1 to rewrite expected.txt after a deliberate change, then read
 * the diff.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DesiredObject, ObservedObject, PlanHooks } from '../../src/backends/driver.js';
import { expandInfrastructure as expandIm, IM_HOOKS } from '../../src/backends/im/im-spec.js';
import { expandInfrastructure as expandXen, XEN_HOOKS } from '../../src/backends/xenapi/xen-spec.js';
import { loadManifests } from '../../src/manifest/load-manifests.js';
import type { InfrastructureResource } from '../../src/manifest/types.js';
import { planChanges } from '../../src/plan/plan-changes.js';
import { renderPlan } from '../../src/plan/render.js';

const GOLDEN = join(import.meta.dirname, 'golden');
const HOOKS: Record<string, PlanHooks> = { im: IM_HOOKS, xen: XEN_HOOKS };

async function expand(yaml: string): Promise<DesiredObject[]> {
  const dir = await mkdtemp(join(tmpdir(), 'converge-golden-'));
  await writeFile(join(dir, 'm.yaml'), yaml);
  const set = await loadManifests(dir);
  expect(set.diagnostics).toEqual([]);
  const infra = set.resources.find((r) => r.kind === 'Infrastructure') as InfrastructureResource;
  return infra.spec.backend === 'im' ? expandIm(infra) : expandXen(infra);
}

function observedFrom(desired: DesiredObject[]): ObservedObject[] {
  return desired.map((d) => ({ key: d.key, kind: d.kind, backend: d.backend, ids: { id: `live-${d.key.split('/').pop()}` }, spec: d.spec, status: { phase: 'ready' } }));
}

async function render(dir: string): Promise<string> {
  const before = existsSync(join(dir, 'before.yaml')) ? await expand(readFileSync(join(dir, 'before.yaml'), 'utf8')) : [];
  const after = await expand(readFileSync(join(dir, 'after.yaml'), 'utf8'));
  const plan = planChanges({
    desired: after,
    observed: observedFrom(before),
    state: { lineage: 'l', serial: 1, objects: {} },
    hooks: HOOKS,
    prune: () => false,
    manifestsDigest: 'm',
    now: new Date('2026-01-01T00:00:00Z'),
    generator: 'golden',
  });
  return `${renderPlan(plan, { color: false })}\n`;
}

describe('plans in manifest terms (golden)', () => {
  const cases = readdirSync(GOLDEN).sort();
  it.each(cases)('%s', async (name) => {
    const dir = join(GOLDEN, name);
    const text = await render(dir);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(join(dir, 'expected.txt'), text);
    expect(text).toBe(readFileSync(join(dir, 'expected.txt'), 'utf8'));
    expect(text).not.toMatch(/= null|memoryMB|sizeBytes|"size":/);
  });
});
