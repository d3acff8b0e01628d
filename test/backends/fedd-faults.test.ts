/**
 * One reconcile of a three-testbed experiment while about one call in five to the access
 * controllers fails the way networks and testbeds fail: fedd `Connection Error` faults, dropped
 * connections (the call never ran), and replies lost after the access controller acted (all but
 * RequestAccess). It converges, and every allocation a testbed holds is one state records.
 *
 * RequestAccess replies are not lost here on purpose: fedd has no call that lists allocations,
 * so an allocation granted by a call whose reply never arrived cannot be found by any client;
 * converge journals the grant before using it, which covers every reply it does receive
 * (docs/backends/fedd.md, "Crash safety").
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningFeddSimulator } from '../../src/backends/fedd/sim/index.js';
import { reconcile } from '../helpers/engine.js';
import { experiment, feddBackend, identityFiles, liveAllocations, recordedAllocations, startFedd, writeFiles } from '../helpers/fedd.js';

const IMAGE = 'Ubuntu1804-64-STD';

describe('fedd under 20% transient faults', () => {
  let fedd: RunningFeddSimulator;
  afterEach(async () => fedd?.close());

  it('converges and leaves no allocation that state does not hold', async () => {
    fedd = await startFedd(['a', 'b', 'c']);
    for (const testbed of fedd.sim.testbedNames) {
      const faults = fedd.sim.knobs(testbed).faults;
      faults.add({ method: '*', mode: 'fault', faultCode: 'Connection Error', faultString: 'connection to the testbed failed', fraction: 0.1 });
      faults.add({ method: '*', mode: 'drop', fraction: 0.05 });
      for (const method of ['StartSegment', 'TerminateSegment', 'ReleaseAccess', 'InfoSegment']) faults.add({ method, mode: 'lose-reply', fraction: 0.06 });
    }
    const dir = await mkdtemp(join(tmpdir(), 'fedd-faults-'));
    const systems = ['a', 'b', 'c'].map((t) => `    - {name: n${t}, cpu: 1, memory: 1Gi, image: ${IMAGE}, testbed: ${t}, interfaces: [wan]}\n`).join('');
    await writeFiles(dir, {
      ...identityFiles(fedd, fedd.client),
      'backend.yaml': feddBackend(fedd, '  timeouts: {settle: 1s}\n'),
      'x.yaml': experiment('x', `  networks: [{name: wan, connection: ssh}]\n  systems:\n${systems}  deploy: {na: 2, nb: 1, nc: 1}\n`),
    });
    const report = await reconcile(dir, { waitMs: 60_000 });
    expect(report.outcome).toBe('converged');
    expect(report.retries.length + report.passes).toBeGreaterThan(1);
    for (const testbed of fedd.sim.testbedNames) fedd.sim.knobs(testbed).faults.clear();
    const recorded = Object.values(recordedAllocations(dir)).flatMap((a) => Object.values(a)).sort();
    expect(liveAllocations(fedd.sim).map((a) => a.id).sort()).toEqual(recorded);
    expect(liveAllocations(fedd.sim).every((a) => a.status === 'active')).toBe(true);
    expect((await reconcile(dir)).mutatingCalls).toBe(0);
  }, 90_000);
});
