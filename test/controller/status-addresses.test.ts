/**
 * Watch serves addresses (issue 12, point 3): the /status document carries each live object's
 * access facts as last observed, and the status page lists them under the resource. Pure: the
 * document is assembled from its parts and the page rendered from the document.
 */
import { describe, expect, it } from 'vitest';
import type { ObservedObject } from '../../src/backends/driver.js';
import { renderStatusPage } from '../../src/controller/http/status-page.js';
import { StatusBoard } from '../../src/controller/status/status-board.js';
import { statusDocument } from '../../src/controller/status/status-document.js';

const vm: ObservedObject = {
  key: 'Infrastructure/lab/vm/node-0',
  kind: 'Infrastructure',
  backend: 'xen',
  ids: { uuid: 'u-1' },
  spec: {},
  status: { phase: 'ready' },
  access: { addresses: [{ of: 'VIF 0', ip: '10.1.2.3' }, { of: 'VIF 1', ip: '10.9.8.7' }] },
};
const vessels: ObservedObject = {
  key: 'VesselSet/probe',
  kind: 'VesselSet',
  backend: 'seattle',
  ids: {},
  spec: {},
  status: { phase: 'ready' },
  access: { endpoints: [{ of: 'wan vessel v1', host: '128.208.4.12', port: 1224 }] },
};

function document() {
  return statusDocument({
    controller: { version: 't', phase: 'running', startedAt: '2026-01-01T00:00:00Z', pid: 1, owner: 'o', workers: 1, resyncMs: 1000 },
    dir: '/m',
    manifests: { valid: true, diagnostics: [], checkedAt: '2026-01-01T00:00:00Z' },
    generation: undefined,
    state: { owner: 'o', lineage: 'l', serial: 1, objects: {} } as never,
    board: new StatusBoard(),
    observed: new Map([['xen', { objects: [vm, vessels], at: Date.parse('2026-01-01T00:00:01Z') }]]),
    queue: { depth: 0, inFlight: 0, delayed: 0 },
    leaseChecks: new Map(),
  });
}

describe('addresses in watch status', () => {
  it('/status carries each object\'s access facts; the page shows every address', () => {
    const doc = document();
    const objects = doc.resources.flatMap((r) => r.objects);
    expect(objects.find((o) => o.key === vm.key)?.access).toEqual(vm.access);
    expect(objects.find((o) => o.key === vessels.key)?.access).toEqual(vessels.access);
    const html = renderStatusPage(doc);
    expect(html).toContain('10.1.2.3 · 10.9.8.7');
    expect(html).toContain('128.208.4.12:1224');
  });
});
