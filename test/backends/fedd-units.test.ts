/**
 * The pure parts of the fedd driver: expanding an Infrastructure into segments and connections,
 * the exchange store's rules, fault mapping, fedids, and the fedd manifest fields and checks.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandExperiment } from '../../src/backends/fedd/topology/expand-experiment.js';
import { connectionsOf } from '../../src/backends/fedd/topology/connections.js';
import { planSegments } from '../../src/backends/fedd/apply/plan-segments.js';
import { ExchangeStore } from '../../src/backends/fedd/exchange/exchange-store.js';
import { classifyFeddFault } from '../../src/backends/fedd/wire/fault-map.js';
import { fedidOfCertificate } from '../../src/backends/fedd/wire/fedid.js';
import { fedidOfCertificate as simFedid, selfSignedCertificate } from '../../src/backends/fedd/sim/index.js';
import { loadManifests } from '../../src/manifest/index.js';
import { startExchangeServer } from '../../src/backends/fedd/exchange/store-server.js';
import { recoverAllocations } from '../../src/backends/fedd/observe/recover-allocations.js';
import { encodeCall } from '../../src/xmlrpc/codec.js';
import type { Intent } from '../../src/state/types.js';
import { postXml } from '../sim/fedd/helpers.js';
import type { InfrastructureResource, InfrastructureSpec } from '../../src/manifest/types.js';

const system = (name: string, testbed: string, interfaces: string[]) => ({
  name, testbed, cpu: { count: 1 }, memoryBytes: 1e9, image: 'img', disks: [], interfaces: interfaces.map((network) => ({ network })),
});

const SPEC: InfrastructureSpec = {
  backend: 'fedd',
  networks: [
    { name: 'wan', outbound: false, outports: [], capacityKbps: 100_000, latencyMs: 10, connection: 'ssh' },
    { name: 'core', outbound: false, outports: [], connection: 'transit' },
  ],
  systems: [system('web', 'a', ['wan']), system('db', 'b', ['wan', 'core']), system('load', 'c', ['core'])],
  deploy: { web: 2, db: 1, load: 0 },
  power: 'running',
  deletionPolicy: 'Delete',
  updatePolicy: 'inPlace',
  services: [{ name: 'project_export', exporter: 'a', importers: ['b'], attributes: { project: 'p' } }],
};

describe('expanding a federated experiment', () => {
  const experiment = expandExperiment(SPEC);

  it.each([
    { reason: 'deploy N becomes <system>-0 … <system>-(N-1) on its testbed, plus one portal per ssh peer', testbed: 'a', computers: ['portal-wan-b', 'web-0', 'web-1'] },
    { reason: 'a network only one testbed uses is not joined: core has no peer once load is scaled to 0', testbed: 'b', computers: ['db-0', 'portal-wan-a'] },
  ])('$reason', ({ testbed, computers }) => {
    expect(Object.keys(experiment.segments[testbed]!.computers).sort()).toEqual(computers);
  });

  it('has no segment on a testbed without instances, and carries capacity, latency and services', () => {
    expect(Object.keys(experiment.segments)).toEqual(['a', 'b']);
    expect(experiment.segments.a!.networks).toEqual({ wan: { capacityKbps: 100_000, latencyMs: 10 } });
    expect(experiment.segments.b!.services).toEqual([{ id: '0001', name: 'project_export', visibility: 'import', attributes: { project: 'p' } }]);
  });

  it('joins ssh networks pairwise (each side publishes peer and ssh_port) and transit through one vlan_id', () => {
    const three = expandExperiment({ ...SPEC, deploy: { web: 1, db: 1, load: 1 } });
    expect(connectionsOf(three, 'a', 'converge/x')).toEqual([
      expect.objectContaining({ type: 'ssh', portal: 'portal-wan-b', peer: 'b', parameters: [
        { name: 'peer', key: 'converge/x/wan/a>b/peer', type: 'output', producer: 'a' },
        { name: 'ssh_port', key: 'converge/x/wan/a>b/ssh_port', type: 'output', producer: 'a' },
        { name: 'peer', key: 'converge/x/wan/b>a/peer', type: 'input', producer: 'b' },
        { name: 'ssh_port', key: 'converge/x/wan/b>a/ssh_port', type: 'input', producer: 'b' },
      ] }),
    ]);
    expect(connectionsOf(three, 'c', 'converge/x')).toEqual([
      { type: 'transit', network: 'core', members: [{ element: 'load-0', interface: 'inf000' }], parameters: [{ name: 'vlan_id', key: 'converge/x/core/b>*/vlan_id', type: 'input', producer: 'b' }] },
    ]);
  });

  it('restarts only changed segments, plus a peer whose output the store does not hold', () => {
    const three = expandExperiment({ ...SPEC, deploy: { web: 1, db: 1, load: 1 } });
    const grown = expandExperiment({ ...SPEC, deploy: { web: 1, db: 1, load: 2 } });
    const live = new Set(['a', 'b', 'c']);
    expect(planSegments(grown, three, live, 'converge/x', () => true)).toEqual({ remove: [], access: [], start: ['c'] });
    // c waits for b's vlan_id; without it in the store, b restarts too (and b's own inputs from a are held).
    expect(planSegments(grown, three, live, 'converge/x', (key) => !key.includes('/core/'))).toEqual({ remove: [], access: [], start: ['b', 'c'] });
    expect(planSegments(grown, three, live, 'converge/x', () => false)).toEqual({ remove: [], access: [], start: ['a', 'b', 'c'] });
    expect(planSegments(three, grown, new Set(['a', 'b']), 'converge/x', () => true)).toEqual({ remove: [], access: ['c'], start: ['c'] });
  });
});

describe('the exchange store', () => {
  it('sets once, blocks readers until set, fails them when revoked, and admits only the experiment’s allocations', async () => {
    const store = new ExchangeStore();
    store.grant('converge/x', ['aa', 'bb']);
    const signal = new AbortController().signal;
    const waiting = store.get('bb', 'converge/x/k', true, 5_000, signal);
    store.set('aa', 'converge/x/k', 'v1');
    expect(await waiting).toBe('v1');
    expect(() => store.set('aa', 'converge/x/k', 'v2')).toThrow(/already set/);
    expect(() => store.set('cc', 'converge/x/other', 'v')).toThrow(/not an allocation of experiment converge\/x/);
    expect(await store.get('aa', 'converge/x/unset', false, 5_000, signal)).toBeUndefined();
    const revoked = store.get('aa', 'converge/x/later', true, 5_000, signal);
    store.revoke(['converge/x/later', 'converge/x/k'], 'segment restarts');
    await expect(revoked).rejects.toThrow(/revoked/);
    store.set('aa', 'converge/x/k', 'v3');
    expect(store.valuesOf('converge/x')).toEqual({ 'converge/x/k': 'v3' });
  });
});

describe('the exchange store endpoint', () => {
  it('tells callers apart by their certificate: a member sets and reads, a stranger is refused', async () => {
    const [converge, member, stranger] = await Promise.all(['converge', 'member', 'stranger'].map((commonName) => selfSignedCertificate({ commonName, serverNames: ['127.0.0.1'] })));
    const store = new ExchangeStore();
    store.grant('converge/x', [fedidOfCertificate(member!.certPem).toString('hex')]);
    const server = await startExchangeServer({ listen: '127.0.0.1:0', identity: converge!, store, prover: 'converge' });
    try {
      const call = (op: string, body: Record<string, string | boolean>, who: typeof member) => postXml(server.url, encodeCall(op, [{ [`${op}RequestBody`]: body }]), who!, converge!.certPem);
      expect(await call('SetValue', { name: 'converge/x/k', value: 'v' }, member)).toMatchObject({ ok: true, value: { SetValueResponseBody: { name: 'converge/x/k', value: 'v' } } });
      expect(await call('GetValue', { name: 'converge/x/k', wait: true }, member)).toMatchObject({ ok: true, value: { GetValueResponseBody: { value: 'v' } } });
      expect(await call('GetValue', { name: 'converge/x/k', wait: false }, stranger)).toMatchObject({ ok: false, code: 'Access Denied' });
      expect(await call('SetValue', { name: 'converge/x/k', value: 'w' }, member)).toMatchObject({ ok: false, code: 'Badly Formed Request' });
    } finally {
      await server.close();
    }
  });
});

describe('recovering allocations', () => {
  const intent = (id: string, method: string, status: Intent['status'], extra: Partial<Intent> = {}): Intent =>
    ({ id, key: 'Infrastructure/x', backend: 'fedd', method, target: 'a', status, startedAt: '2026-01-01T00:00:00Z', ...extra }) as Intent;
  const A1 = 'a'.repeat(40);
  const A2 = 'b'.repeat(40);

  it.each([
    { reason: 'a grant journaled but never written to state is adopted', intents: [intent('1', 'RequestAccess', 'done', { outcome: { testbed: 'a', allocId: A1 } })], adopted: { a: A1 } },
    { reason: 'the latest grant of a testbed wins', intents: [intent('1', 'RequestAccess', 'done', { outcome: { testbed: 'a', allocId: A1 } }), intent('2', 'RequestAccess', 'done', { outcome: { testbed: 'a', allocId: A2 } })], adopted: { a: A2 } },
    { reason: 'a grant released since is not adopted', intents: [intent('1', 'RequestAccess', 'done', { outcome: { testbed: 'a', allocId: A1 } }), intent('2', 'ReleaseAccess', 'done', { context: { testbed: 'a', allocId: A1 } })], adopted: undefined },
    { reason: 'a grant without an answer names nothing to adopt', intents: [intent('1', 'RequestAccess', 'open')], adopted: undefined },
  ])('$reason', ({ intents, adopted }) => {
    const result = recoverAllocations(intents, { records: [] });
    expect(result[0]?.extra?.allocations).toEqual(adopted);
  });
});

describe('fedd wire details', () => {
  it.each([
    ['Access Denied', 'UNAUTHORIZED'],
    ['Badly Formed Request', 'INVALID'],
    ['Server Configuration Error', 'TERMINAL'],
    ['Federant Error', 'TRANSIENT'],
    ['Connection Error', 'TRANSIENT'],
    ['Partial Embedding', 'TRANSIENT'],
    ['Something New', 'TRANSIENT'],
  ])('fault %s is %s', (name, kind) => {
    expect(classifyFeddFault(Number.NaN, 'x', name)).toBe(kind);
  });

  it('computes a fedid as the SHA-1 of the certificate’s public key, as the simulator does independently', async () => {
    const identity = await selfSignedCertificate({ commonName: 'probe', client: true });
    expect(fedidOfCertificate(identity.certPem).toString('hex')).toBe(simFedid(identity.certPem).toString('hex'));
    expect(fedidOfCertificate(identity.certPem)).toHaveLength(20);
  });
});

describe('fedd manifests', () => {
  async function load(files: Record<string, string>) {
    const dir = await mkdtemp(join(tmpdir(), 'fedd-manifest-'));
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return loadManifests(dir);
  }
  const backend = 'apiVersion: converge/v1\nkind: Backend\nmetadata: {name: fedd}\nspec: {type: fedd, url: embedded, testbeds: [a, {name: b, url: "https://b.example.org:23231"}]}\n';

  it('converts rates, latencies and testbed URLs', async () => {
    const set = await load({
      'b.yaml': backend,
      'x.yaml': 'apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: x}\nspec:\n  backend: fedd\n  networks: [{name: wan, capacity: 1.5Mbps, latency: 20ms, connection: ssh}]\n' +
        '  systems: [{name: s, cpu: 1, memory: 1Gi, image: i, testbed: a, failureAction: nonfatal, interfaces: [wan]}]\n  deploy: {s: 1}\n',
    });
    expect(set.diagnostics).toEqual([]);
    const infra = set.resources.find((r) => r.kind === 'Infrastructure') as InfrastructureResource;
    expect(infra.spec.networks[0]).toMatchObject({ capacityKbps: 1500, latencyMs: 20, connection: 'ssh' });
    expect(set.resources.find((r) => r.kind === 'Backend')!.spec).toMatchObject({ fedd: { testbeds: [{ name: 'a', url: 'embedded' }, { name: 'b', url: 'https://b.example.org:23231' }], exchange: { listen: '127.0.0.1:0' } } });
  });

  it('reports an unplaced system, fedd fields on another type and a rate without units', async () => {
    const set = await load({
      'b.yaml': backend + '---\napiVersion: converge/v1\nkind: Backend\nmetadata: {name: im}\nspec: {type: im, url: embedded, testbeds: [a]}\n',
      'x.yaml': 'apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: x}\nspec:\n  backend: fedd\n  networks: [{name: wan, capacity: "100"}]\n' +
        '  systems: [{name: s, cpu: 1, memory: 1Gi, image: i, interfaces: [wan]}]\n  deploy: {s: 1}\n',
    });
    expect(set.diagnostics.map((d) => `${d.line}:${d.code}`)).toEqual(['9:UNSUPPORTED_FIELD', '6:BAD_UNIT', '7:MISSING_TESTBED']);
  });
});
