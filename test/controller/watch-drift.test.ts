/**
 * Drift on XenAPI under `converge watch`: another client halts one of converge's VMs and the
 * controller starts it again from the `event.from` stream, with the resync set to an hour so it
 * cannot be the resync that noticed. And a quiet system costs no backend reads beyond the event
 * long-poll: the observation cache serves every pass that nothing invalidated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { copyExamples, editFile } from '../helpers/cli.js';
import { parsePrometheusText, sum, type Sample } from '../helpers/prometheus.js';
import { allReady, startWatch, waitFor, type WatchProcess } from '../helpers/watch.js';
import { vmNamed } from '../helpers/xen-sim-state.js';
import { startTestXen, type TestXen } from '../sim/xenapi/helpers.js';

const NODE = 'Infrastructure/lab/vm/node-0';

describe('converge watch: drift through the XenAPI event stream', () => {
  let xen: TestXen;
  let watch: WatchProcess;
  const power = () => vmNamed(xen.sim.dump(), 'lab-node-0')[0]?.power_state;
  const metrics = async () => parsePrometheusText(await watch.metrics());
  const reads = (samples: Sample[]) => samples.filter((s) => s.name === 'converge_backend_calls_total' && s.labels.method !== 'event.from').reduce((n, s) => n + s.value, 0);

  beforeAll(async () => {
    xen = await startTestXen({ taskDurationMs: 5 });
    const dir = await copyExamples();
    // The example's XenAPI backend, served by this test's simulator so that the test can act on it.
    await editFile(join(dir, 'xen.yaml'), /^(\s*)url: embedded\b/m, `$1url: "${xen.url}"`);
    watch = await startWatch(dir, ['--resync', '1h', '--log-level', 'debug']);
    await waitFor(async () => allReady(await watch.status()), 30_000, 'every resource Ready');
    expect(power()).toBe('Running');
  });

  afterAll(async () => {
    await watch?.stop('SIGKILL');
    await xen?.close();
  });

  it('starts a VM halted by another client again, from the event stream, without waiting for the resync', async () => {
    const seq = xen.sim.knobs.log.lastSeq;
    const before = await metrics();
    await xen.client.call('VM.hard_shutdown', vmNamed(xen.sim.dump(), 'lab-node-0')[0]!.ref);
    expect(power()).toBe('Halted');

    await waitFor(() => power() === 'Running', 20_000, 'lab-node-0 to run again');
    // The VM runs once the simulator has answered VM.start; the controller logs the correction
    // when its action completes, a moment later.
    await waitFor(() => watch.logs().some((l) => l.msg === 'drift-corrected' && l.key === NODE), 10_000, 'the drift-corrected log line');
    const methods = xen.sim.knobs.log.since(seq).map((e) => e.method);
    expect(methods).toContain('event.from');
    expect(methods.some((m) => /^(Async\.)?VM\.start$/.test(m))).toBe(true);
    const logs = watch.logs();
    expect(logs.some((l) => l.msg === 'backend-event' && l.backend === 'xen-local' && (l.keys as string[]).includes('Infrastructure/lab'))).toBe(true);
    expect(logs.some((l) => l.msg === 'drift-corrected' && l.key === NODE)).toBe(true);
    expect(logs.some((l) => l.msg === 'resync')).toBe(false);
    const after = await metrics();
    expect(sum(after, 'converge_drift_corrections_total', { kind: 'Infrastructure' })).toBe(sum(before, 'converge_drift_corrections_total', { kind: 'Infrastructure' }) + 1);
    expect(sum(after, 'converge_backend_event_hints_total', { backend: 'xen-local' })).toBeGreaterThan(sum(before, 'converge_backend_event_hints_total', { backend: 'xen-local' }));
  });

  it('makes no backend read while nothing happens, other than the event long-poll', async () => {
    await waitFor(async () => allReady(await watch.status()) && (await watch.status()).resources.every((r) => r.conditions.Synced.status === 'True'), 10_000, 'all Synced');
    await sleep(500);
    const seq = xen.sim.knobs.log.lastSeq;
    const before = reads(await metrics());
    await sleep(3000);
    expect(reads(await metrics())).toBe(before);
    expect(xen.sim.knobs.log.since(seq).filter((e) => e.method !== 'event.from')).toEqual([]);
  });
});
