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
import { allReady, resource, startWatch, waitFor, type WatchProcess } from '../helpers/watch.js';
import { vmNamed } from '../helpers/xen-sim-state.js';
import { startTestXen, type TestXen } from '../sim/xenapi/helpers.js';

const NODE = 'Infrastructure/lab/vm/node-0';

describe('converge watch: drift through the XenAPI event stream', () => {
  let xen: TestXen;
  let watch: WatchProcess;
  let dir = '';
  const labEvents = async () => ((await (await fetch(`${watch.url}/events?resource=Infrastructure/lab`)).json()) as { events: Array<{ event: string; count: number }> }).events;
  const power = () => vmNamed(xen.sim.dump(), 'lab-node-0')[0]?.power_state;
  const metrics = async () => parsePrometheusText(await watch.metrics());
  const reads = (samples: Sample[]) => samples.filter((s) => s.name === 'converge_backend_calls_total' && s.labels.method !== 'event.from').reduce((n, s) => n + s.value, 0);

  beforeAll(async () => {
    xen = await startTestXen({ taskDurationMs: 5 });
    dir = await copyExamples();
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
    // The drift line names what drifted, manifest value → live value.
    const drift = logs.find((l) => l.msg === 'drift-detected' && l.key === NODE)!;
    expect(drift).toMatchObject({ resource: 'Infrastructure/lab', object: 'vm/node-0', fields: [{ path: 'power', desired: 'running', live: 'halted' }] });
    expect(drift.drift).toBe('Infrastructure/lab: vm/node-0 power running → halted');
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

  it('leaves a suspended resource alone (condition Suspended, drift not corrected) and reconciles it at once when resumed', async () => {
    const xenYaml = join(dir, 'xen.yaml');
    await editFile(xenYaml, /(  name: lab\n)/, '$1  annotations:\n    converge.io/suspend: "true"\n');
    await waitFor(async () => resource(await watch.status(), 'Infrastructure/lab')?.conditions.Synced.reason === 'Suspended', 10_000, 'lab to be Suspended');
    const suspendedEvent = async () => (await labEvents()).filter((e) => e.event === 'suspended').at(-1);
    const seen = (await suspendedEvent())!.count;
    await xen.client.call('VM.hard_shutdown', vmNamed(xen.sim.dump(), 'lab-node-0')[0]!.ref);
    // The event stream brings the key back to the controller, which settles it as suspended again
    // (counted on the same event) without a pass: the VM stays halted.
    await waitFor(async () => ((await suspendedEvent())?.count ?? 0) > seen, 10_000, 'the controller to look at the suspended lab again');
    expect(power()).toBe('Halted');
    expect(resource(await watch.status(), 'Infrastructure/lab')!.conditions.Ready.reason).toBe('Suspended');

    await editFile(xenYaml, /  annotations:\n    converge\.io\/suspend: "true"\n/, '');
    await waitFor(() => power() === 'Running', 20_000, 'lab-node-0 to run again once resumed');
    await waitFor(async () => resource(await watch.status(), 'Infrastructure/lab')?.conditions.Ready.status === 'True', 10_000, 'lab Ready again');
    // Resuming is logged before the pass that corrects what drifted meanwhile.
    expect((await labEvents()).map((e) => e.event).slice(-4)).toEqual(['suspended', 'resumed', 'drift-detected', 'reconciled']);
  });
});
