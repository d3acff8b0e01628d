/**
 * `converge watch` on a copy of the example manifests with the embedded simulators, acting as a
 * user editing files in a git checkout: a deploy count edit converges without a restart; an
 * invalid file changes nothing live and shows its diagnostic in /status until it is fixed; a
 * deleted manifest without --prune leaves its infrastructure alone. Ground truth is the IM
 * simulator's persisted state; /metrics must parse as Prometheus text and move; the status page
 * must render in headless Chromium; SIGTERM exits 0 and releases the lock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { copyExamples, editFile, runCli } from '../helpers/cli.js';
import { chromium, ensureChromium } from '../helpers/chromium.js';
import { commitAll } from '../helpers/git.js';
import { embeddedImState, liveInfrastructures, vmCount } from '../helpers/im-sim-state.js';
import { parsePrometheusText, sum } from '../helpers/prometheus.js';
import { allReady, resource, startWatch, waitFor, type WatchProcess } from '../helpers/watch.js';

const WEB = 'Infrastructure/web';

describe('converge watch on the example manifests', () => {
  let dir = '';
  let head = '';
  let watch: WatchProcess;
  const webVms = () => liveInfrastructures(embeddedImState(dir)).find((i) => i.key === WEB)?.vms.map((v) => v.id) ?? [];
  const metrics = async () => parsePrometheusText(await watch.metrics());

  beforeAll(async () => {
    dir = await copyExamples();
    head = commitAll(dirname(dir));
    watch = await startWatch(dir, ['--resync', '1h', '--debounce', '100ms', '--log-level', 'debug']);
    await waitFor(async () => allReady(await watch.status()), 30_000, 'every resource Ready');
  });

  afterAll(async () => {
    await watch?.stop('SIGKILL');
    if (process.env.WATCH_DEBUG) await writeFile(process.env.WATCH_DEBUG, watch.logs().map((l) => JSON.stringify(l)).join('\n'));
  });

  it('converges the examples, records the clean git revision, and /status matches the simulator', async () => {
    const doc = await watch.status();
    expect(doc.manifests).toMatchObject({ valid: true, diagnostics: [], revision: head });
    // The controller records lastApplied once every resource is Ready: just after /status says so.
    const readState = async () => JSON.parse(await readFile(join(dir, '.converge', 'state.json'), 'utf8')) as { lastApplied?: { revision?: string } };
    await waitFor(async () => (await readState()).lastApplied?.revision === head, 10_000, 'lastApplied to be recorded');
    const state = await readState();
    expect(state.lastApplied?.revision).toBe(head);
    const live = liveInfrastructures(embeddedImState(dir));
    for (const key of ['Infrastructure/web', 'Infrastructure/data']) {
      const infra = live.find((i) => i.key === key)!;
      const object = resource(doc, key)!.objects[0]!;
      expect(object.ids.infId).toBe(infra.id);
      const deploy = (object.spec as { deploy: Record<string, number> }).deploy;
      expect(Object.values(deploy).reduce((a, b) => a + b, 0)).toBe(infra.vms.length);
    }
  });

  it('converges an edited deploy count without a restart, and the metrics move', async () => {
    const before = await metrics();
    const reconciles = resource(await watch.status(), WEB)!.reconciles;
    await editFile(join(dir, 'web.yaml'), 'worker: 2', 'worker: 3');
    await waitFor(() => vmCount(embeddedImState(dir), WEB, 'worker') === 3, 20_000, 'a third worker VM');
    const doc = await waitFor(async () => {
      const d = await watch.status();
      const web = resource(d, WEB);
      const workers = (web?.objects[0]?.spec as { deploy: { worker: number } } | undefined)?.deploy.worker;
      return web && web.reconciles > reconciles && web.conditions.Ready.status === 'True' && workers === 3 && d;
    }, 20_000, 'a pass to report web Ready with 3 workers in /status');
    expect(resource(doc, WEB)!.conditions.Synced.status).toBe('True');
    // Only the edited file was parsed again: the other manifest files came from the reload cache.
    const reloads = watch.logs().filter((l) => l.msg === 'manifests-loaded' && String(l.reason).startsWith('changed'));
    const files = reloads.map((l) => l.files as { parsed: number; reused: number });
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => f.parsed <= 1)).toBe(true);
    expect(files.some((f) => f.parsed === 1 && f.reused > 0)).toBe(true);
    const after = await metrics();
    expect(sum(after, 'converge_backend_calls_total', { method: 'AddResource', outcome: 'ok' })).toBe(sum(before, 'converge_backend_calls_total', { method: 'AddResource', outcome: 'ok' }) + 1);
    expect(sum(after, 'converge_reconcile_total', { kind: 'Infrastructure', result: 'converged' })).toBeGreaterThan(sum(before, 'converge_reconcile_total', { kind: 'Infrastructure', result: 'converged' }));
    expect(sum(after, 'converge_reconcile_duration_seconds_count', { kind: 'Infrastructure' })).toBeGreaterThan(sum(before, 'converge_reconcile_duration_seconds_count', { kind: 'Infrastructure' }));
    expect(sum(after, 'converge_journal_open_intents')).toBe(0);
    expect(sum(after, 'converge_queue_depth')).toBe(0);
    expect(sum(after, 'converge_lease_seconds_left', { resource: 'VesselSet/measurement' })).toBeGreaterThan(24 * 3600);
    expect(sum(after, 'converge_drift_corrections_total')).toBe(0);
    // The VesselSet's lease renewal is scheduled before its lease ends.
    const vessels = resource(doc, 'VesselSet/measurement') as { nextLeaseCheck?: string } | undefined;
    expect(Date.parse(vessels?.nextLeaseCheck ?? '')).toBeGreaterThan(Date.now());
  });

  it('keeps the last good state while a file is invalid, shows the diagnostic, and converges once it is fixed', async () => {
    const vms = webVms();
    await writeFile(join(dir, 'broken.yaml'), 'apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: broken\n');
    const invalid = await waitFor(async () => {
      const d = await watch.status();
      return !d.manifests.valid && d;
    }, 10_000, '/status to report invalid manifests');
    // The same diagnostic objects as `validate --json`: file, line, col, severity, code, message.
    expect(invalid.manifests.diagnostics).toEqual(expect.arrayContaining([expect.objectContaining({ severity: 'error', code: 'YAML_SYNTAX', file: expect.stringMatching(/broken\.yaml$/), line: expect.any(Number), col: expect.any(Number) })]));
    expect(invalid.manifests.inForce?.revision).toBe(`${head}-dirty`);
    expect(sum(await metrics(), 'converge_manifests_valid')).toBe(0);

    // An edit made while the set is invalid is not applied either: nothing live changes.
    await editFile(join(dir, 'web.yaml'), 'worker: 3', 'worker: 1');
    await waitFor(async () => (await watch.status()).manifests.checkedAt > invalid.manifests.checkedAt, 10_000, 'the edit to be read');
    await sleep(1000);
    expect(webVms()).toEqual(vms);
    expect(resource(await watch.status(), WEB)!.conditions.Ready.status).toBe('True');
    expect(await stat(join(dir, 'broken.yaml'))).toBeTruthy();

    await rm(join(dir, 'broken.yaml'));
    await waitFor(() => vmCount(embeddedImState(dir), WEB, 'worker') === 1, 20_000, 'web scaled down to one worker');
    const fixed = await waitFor(async () => {
      const d = await watch.status();
      return d.manifests.valid && resource(d, WEB)?.conditions.Ready.status === 'True' && d;
    }, 20_000, 'valid manifests and web Ready');
    expect(fixed.manifests.diagnostics).toEqual([]);
    expect(sum(await metrics(), 'converge_manifests_valid')).toBe(1);
  });

  it('leaves the infrastructure of a deleted manifest file alone without --prune', async () => {
    const vms = webVms();
    expect(vms.length).toBe(2);
    await rm(join(dir, 'web.yaml'));
    const doc = await waitFor(async () => {
      const d = await watch.status();
      const web = resource(d, WEB);
      return web && !web.inManifests && web.conditions.Ready.reason === 'NotInManifests' && d;
    }, 15_000, 'web to be reported as not in the manifests');
    expect(resource(doc, WEB)!.objects.map((o) => o.phase)).toEqual(['ready']);
    await sleep(1000);
    expect(webVms()).toEqual(vms);
    expect(watch.logs().some((l) => l.msg === 'action-start' && l.key === WEB && l.action === 'delete')).toBe(false);
  });

  it('renders the status page in headless Chromium', async () => {
    await ensureChromium();
    const dom = await chromium(['--dump-dom', `${watch.url}/`]);
    expect(dom).toContain('converge watch');
    expect(dom).toContain('Infrastructure/data');
    expect(dom).toContain('(not in manifests)');
    expect(dom).toMatch(/class="badge True"[^>]*>Available</);
    const png = join(dirname(dir), 'status.png');
    await chromium([`--screenshot=${png}`, '--window-size=1200,800', `${watch.url}/`]);
    const bytes = await readFile(png);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(10_000);
  });

  it('stops on SIGTERM with exit 0, releases the lock, and `converge status` shows the revision applied', async () => {
    const result = await watch.stop('SIGTERM');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(watch.logs().at(-1)?.msg).toBe('stopped');
    expect(existsSync(join(dir, '.converge', 'state.json.lock'))).toBe(false);
    const status = await runCli(['status', dir]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`at revision ${head}-dirty`);
    // Structured logs: every line is one JSON object, and no credential value ever appears.
    expect(result.stdout.trim().split('\n').every((l) => l.startsWith('{') && JSON.parse(l))).toBe(true);
    const secrets: string[] = [];
    for (const file of ['im-auth.dat', 'seattle-alice.txt', 'xen-root.txt']) {
      const text = await readFile(join(dir, 'credentials', file), 'utf8');
      for (const m of text.matchAll(/(?:password|api_key)\s*=\s*([^;\s]+)/gi)) secrets.push(m[1]!);
    }
    expect(secrets).toHaveLength(3);
    for (const secret of secrets) expect(result.stdout + result.stderr).not.toContain(secret);
  });
});
