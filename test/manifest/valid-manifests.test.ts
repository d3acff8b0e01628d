/**
 * Valid fixture sets load without diagnostics into typed resources: sizes in bytes, durations in
 * milliseconds, shorthand normalised (cpu: 2, interfaces by name) and every default applied.
 */
import { describe, expect, it } from 'vitest';
import {
  hasErrors,
  loadManifests,
  type BackendResource,
  type InfrastructureResource,
  type ManifestSet,
  type Resource,
  type SliceResource,
  type VesselSetResource,
} from '../../src/manifest/index.js';
import { fixtureDir, shownPath } from './fixtures.js';

function find<K extends Resource['kind']>(set: ManifestSet, kind: K, name: string): Extract<Resource, { kind: K }> {
  const resource = set.resources.find((r) => r.kind === kind && r.metadata.name === name);
  if (resource === undefined) throw new Error(`${kind}/${name} not loaded`);
  return resource as Extract<Resource, { kind: K }>;
}

describe('valid manifests (IM backend and two Infrastructures)', async () => {
  const dir = fixtureDir('valid');
  const set = await loadManifests(dir, { checkCredentials: true });

  it('loads every document, in file order, without diagnostics (hidden .drafts/ is skipped)', () => {
    expect(set.diagnostics).toEqual([]);
    expect(hasErrors(set)).toBe(false);
    expect(set.dir).toBe(dir);
    expect(set.files.map((f) => f.slice(dir.length + 1))).toEqual(['backend.yaml', 'team/batch.yaml', 'web.yaml']);
    expect(set.resources.map((r) => `${r.kind}/${r.metadata.name}`)).toEqual(['Backend/im', 'Infrastructure/batch', 'Infrastructure/web']);
    expect(set.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('applies Backend defaults (IM: 4 connections, 10 minutes for a mutating call) and converts durations to milliseconds', () => {
    const im: BackendResource = find(set, 'Backend', 'im');
    expect(im.metadata).toEqual({ name: 'im', labels: { team: 'net' } });
    expect(im.spec).toEqual({
      type: 'im',
      url: 'embedded',
      credentials: { fromFile: 'im-auth.dat' },
      tls: { insecureSkipVerify: false },
      limits: { concurrency: 8, connections: 4, callsPerSecond: 0 },
      timeouts: { callMs: 90_000, connectMs: 10_000, mutateMs: 600_000, settleMs: 15_000 },
      prune: false,
      options: {},
    });
    expect(im.source).toEqual({ file: shownPath(`${dir}/backend.yaml`), line: 2, col: 1 });
  });

  it('converts sizes to bytes and normalises cpu and interfaces', () => {
    const web: InfrastructureResource = find(set, 'Infrastructure', 'web');
    const [front, db] = web.spec.systems;
    expect(front).toEqual({
      name: 'front',
      cpu: { count: 2 },
      memoryBytes: 512 * 1024 ** 2,
      image: 'one://one.example.org/42',
      disks: [{ sizeBytes: 20e9, mountPath: '/data', fstype: 'ext4' }],
      interfaces: [{ network: 'public' }, { network: 'private', dnsName: 'front-#N#' }],
      configure: '- name: install nginx\n  apt: name=nginx state=present\n',
    });
    expect(db).toMatchObject({ cpu: { count: 4, arch: 'x86_64' }, memoryBytes: 1.5e9, disks: [{ sizeBytes: 10 * 1024 ** 3 }] });
    expect(web.spec.networks).toEqual([
      { name: 'public', outbound: true, outports: ['80/tcp', '443/tcp', '8000:8010/tcp'] },
      { name: 'private', outbound: false, outports: [] },
    ]);
    expect(web.spec.deploy).toEqual({ front: 2, db: 1 });
  });

  it('applies Infrastructure defaults, and keeps explicit policies', () => {
    expect(find(set, 'Infrastructure', 'web').spec).toMatchObject({ power: 'running', deletionPolicy: 'Delete', updatePolicy: 'inPlace' });
    const batch = find(set, 'Infrastructure', 'batch');
    expect(batch.spec).toMatchObject({ power: 'stopped', deletionPolicy: 'Orphan', updatePolicy: 'restart', deploy: { worker: 3 } });
    expect(batch.metadata.labels).toEqual({});
    expect(batch.spec.systems[0]).toMatchObject({ disks: [], memoryBytes: 2 * 1024 ** 3 });
  });
});

describe('valid manifests (Slice and VesselSet)', async () => {
  const set = await loadManifests(fixtureDir('valid-leases'));

  it('loads without diagnostics; secret references in options are allowed', () => {
    expect(set.diagnostics).toEqual([]);
    expect(find(set, 'Backend', 'plc').spec).toMatchObject({
      credentials: { fromEnv: 'PLC_AUTH' },
      tls: { caFile: 'plc-ca.pem', insecureSkipVerify: false },
      limits: { concurrency: 4, callsPerSecond: 2.5 },
      timeouts: { callMs: 60_000, connectMs: 2_000 },
      prune: true,
      options: { sitePrefix: 'pl', authMethod: 'password', token: { fromEnv: 'PLC_TOKEN' } },
    });
  });

  it('converts the renewal policy and fills Slice defaults', () => {
    const slice: SliceResource = find(set, 'Slice', 'measure');
    expect(slice.spec).toEqual({
      backend: 'plc',
      name: 'pl_measure',
      instantiation: 'delegated',
      controller: 'pl_controller',
      description: 'Latency measurements',
      url: 'https://example.org/measure',
      nodes: ['planetlab1.example.org', 'planetlab2.example.org'],
      persons: ['alice@example.org'],
      tags: { vref: ['f12'], vsys: ['pl_vsys_a', 'pl_vsys_b'] },
      slivers: { default: 'running', nodes: { 'planetlab2.example.org': 'stopped' } },
      renewal: { enabled: true, renewBeforeMs: 3.5 * 86_400_000, extendToMs: 56 * 86_400_000 },
      deletionPolicy: 'Delete',
    });
  });

  it('fills VesselSet counts and the default renewal margin of 2d', () => {
    const vessels: VesselSetResource = find(set, 'VesselSet', 'probes');
    expect(vessels.spec).toEqual({
      backend: 'seattle',
      vessels: { lan: 0, wan: 5, nat: 1, random: 0 },
      renewal: { marginMs: 2 * 86_400_000 },
      deletionPolicy: 'Orphan',
    });
  });
});
