/**
 * Watch as Flux users expect it, on the example manifests: conditions per resource, the events
 * history and the Prometheus names. The manifests are reconciled once, then the lab's node count
 * drops to 0 (two VMs to destroy) and `converge watch --max-destroy 1` starts: its first pass
 * covers every resource at once, and the refusal must hold back the lab alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { copyExamples, editFile, jsonLines, runCli } from '../helpers/cli.js';
import { parsePrometheusText } from '../helpers/prometheus.js';
import { resource, startWatch, waitFor, type StatusDoc, type WatchProcess } from '../helpers/watch.js';
import { embeddedXenState, markedKeys } from '../helpers/xen-sim-state.js';

const LAB = 'Infrastructure/lab';

describe('converge watch --max-destroy 1: conditions, events and metrics', () => {
  let dir = '';
  let watch: WatchProcess;
  let doc: StatusDoc;
  let labVms: string[] = [];

  beforeAll(async () => {
    dir = await copyExamples();
    // IM, XenAPI and Seattle are enough to show one resource held back among several kinds.
    await Promise.all(['fedd.yaml', 'planetlab.yaml'].map((file) => rm(join(dir, file))));
    expect((await runCli(['reconcile', dir])).code).toBe(0);
    labVms = markedKeys(embeddedXenState(dir, 'xen-local'));
    await editFile(join(dir, 'xen.yaml'), /node: 2\b/, 'node: 0');
    watch = await startWatch(dir, ['--max-destroy', '1', '--resync', '1h']);
    doc = await waitFor(async () => {
      const d = await watch.status();
      const desired = d.resources.filter((r) => r.inManifests);
      return desired.length > 0 && desired.every((r) => r.reconciles > 0) && d;
    }, 30_000, 'every resource reconciled once');
  });

  afterAll(async () => {
    await watch?.stop('SIGKILL');
  });

  it('holds back only the resource the refusal blocks, with its reason; the others stay Ready', () => {
    const lab = resource(doc, LAB)!;
    expect(lab.conditions.Ready).toMatchObject({ status: 'False', reason: 'DestroyLimit' });
    expect(lab.conditions.Synced).toMatchObject({ status: 'False', reason: 'DestroyLimit' });
    expect(lab.conditions.Synced.message).toMatch(/Infrastructure\/lab would destroy 2 object\(s\).*more than --max-destroy 1 allows/);
    const others = doc.resources.filter((r) => r.inManifests && r.key !== LAB);
    expect(others.map((r) => r.key)).toEqual(['Infrastructure/data', 'Infrastructure/web', 'VesselSet/measurement']);
    for (const r of others) expect([r.key, r.conditions.Ready.status, r.conditions.Synced.status]).toEqual([r.key, 'True', 'True']);
    // Nothing of the lab was touched: its VMs are all still there.
    expect(markedKeys(embeddedXenState(dir, 'xen-local'))).toEqual(labVms);
  });

  it('keeps the history at /events, filtered by resource, and `converge events` reads it', async () => {
    const all = (await (await fetch(`${watch.url}/events`)).json()) as { formatVersion: number; events: Array<Record<string, unknown>> };
    expect(all.formatVersion).toBe(1);
    expect(all.events.filter((e) => e.event === 'reconciled').map((e) => e.resource)).toEqual(expect.arrayContaining(['Infrastructure/web', 'VesselSet/measurement']));
    const lab = (await (await fetch(`${watch.url}/events?resource=${encodeURIComponent(LAB)}`)).json()) as typeof all;
    expect(lab.events.map((e) => [e.resource, e.event, e.type, e.reason])).toEqual([[LAB, 'refused', 'Warning', 'DestroyLimit']]);
    expect((await fetch(`${watch.url}/events?limit=0`)).status).toBe(400);

    const address = new URL(watch.url).host;
    const text = await runCli(['events', '--address', address, '--resource', LAB]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Warning\s+Infrastructure\/lab\s+refused\s+DestroyLimit: Infrastructure\/lab would destroy 2 object/);
    const json = await runCli(['events', '--address', `http://${address}`, '--json', '--limit', '2']);
    expect(jsonLines(json.stdout).map((e) => e.seq)).toEqual(all.events.slice(-2).map((e) => e.seq));
    const closed = await closedPort();
    const none = await runCli(['events', '--address', `127.0.0.1:${closed}`]);
    expect([none.code, none.stderr]).toEqual([1, expect.stringContaining(`no converge watch answers at http://127.0.0.1:${closed} (ECONNREFUSED)`)]);
  });

  it('names metrics by Prometheus conventions: counters end in _total, gauges do not, default metrics unprefixed', async () => {
    const text = await watch.metrics();
    const samples = parsePrometheusText(text);
    const families = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => ({ name: m[1]!, type: m[2]! }));
    expect(families.length).toBeGreaterThan(20);
    for (const f of families) {
      if (f.type === 'counter') expect(f.name, `counter ${f.name}`).toMatch(/_total$/);
      else expect(f.name, `${f.type} ${f.name}`).not.toMatch(/_total$/);
      expect(f.name, f.name).toMatch(/^(process|nodejs|converge)_/);
      expect(f.name).not.toMatch(/^converge_process_/);
    }
    const names = new Set(families.map((f) => f.name));
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'converge_reconcile_total']) expect(names).toContain(name);
    const ready = Object.fromEntries(samples.filter((s) => s.name === 'converge_resource_ready').map((s) => [s.labels.resource, s.value]));
    expect(ready).toMatchObject({ [LAB]: 0, 'Infrastructure/web': 1, 'VesselSet/measurement': 1 });
    const build = samples.find((s) => s.name === 'converge_build_info')!;
    expect(build.value).toBe(1);
    expect(build.labels).toMatchObject({ node: process.version, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    const lastSuccess = samples.find((s) => s.name === 'converge_resource_last_success_timestamp_seconds' && s.labels.resource === 'Infrastructure/web')!;
    expect(Math.abs(lastSuccess.value * 1000 - Date.parse(resource(doc, 'Infrastructure/web')!.lastConvergedAt!))).toBeLessThan(1000);
    expect(samples.some((s) => s.name === 'converge_resource_last_success_timestamp_seconds' && s.labels.resource === LAB)).toBe(false);
  });
});

/** closedPort is a loopback port nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
