/**
 * Out-of-band changes to an IM infrastructure, made by another client with the same identity
 * between two runs, are caught by the next run's observe, which reads GetInfrastructureState and
 * one ExportInfrastructure per infrastructure instead of GetInfrastructureRADL and a GetVMInfo per
 * VM (docs: "IM no-op reads"). Each change below is one that only the replaced reads used to show:
 * a VM resized by AlterVM (GetVMInfo's cpu and memory), a VM stopped (state), a VM removed (state
 * and VM list), a recipe added by Reconfigure (the stored RADL). And where the export is not
 * readable, observe falls back to the old reads and still sees the change.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startImSimulator } from '../../src/backends/im/sim/index.js';
import { XmlRpcClient } from '../../src/xmlrpc/client.js';
import { liveInfrastructures } from '../helpers/im-sim-state.js';
import { imBackend, infrastructure, manifestDir, reconcile } from '../helpers/engine.js';

type Server = Awaited<ReturnType<typeof startImSimulator>>;

const AUTH = [
  { id: 'im', type: 'InfrastructureManager', username: 'tester', password: 'tester-pw' },
  { id: 'dummy', type: 'Dummy' },
];
const AUTH_FILE = 'id = im; type = InfrastructureManager; username = tester; password = tester-pw\nid = dummy; type = Dummy\n';
const WEB = infrastructure(
  'web',
  '  networks: [{name: lan}]\n  systems:\n    - name: node\n      cpu: 1\n      memory: 1Gi\n      image: "mock0://img1"\n      interfaces: [lan]\n  deploy: {node: 2}\n',
);

describe('IM drift through the export read', () => {
  let server: Server;
  let dir: string;
  let other: XmlRpcClient;
  let infId: string;
  const live = () => liveInfrastructures(server.sim.dump())[0]!;
  const call = async (method: string, ...params: unknown[]) => {
    const [ok, value] = (await other.call(method, [...(params as never[]), AUTH as never])) as [boolean, unknown];
    expect(ok, `${method}: ${String(value)}`).toBe(true);
    return value;
  };

  beforeEach(async () => {
    server = await startImSimulator({ createBaseMs: 0, createMsPerVm: 0 });
    other = new XmlRpcClient({ url: server.url });
    dir = await manifestDir({ 'auth.dat': AUTH_FILE, 'backend.yaml': imBackend(server.url), 'web.yaml': WEB });
    expect((await reconcile(dir)).outcome).toBe('converged');
    infId = live().id;
  });
  afterEach(async () => {
    other.close();
    await server.close();
  });

  it('reads two calls per infrastructure on a no-op pass, whatever its VM count', async () => {
    const report = await reconcile(dir);
    expect(report.mutatingCalls).toBe(0);
    expect(report.calls).toEqual({ GetInfrastructureList: 1, GetInfrastructureState: 1, ExportInfrastructure: 1 });
  });

  it('sees a VM resized by another client (AlterVM) and resizes it back', async () => {
    await call('AlterVM', infId, '1', 'system node (\ncpu.count >= 4 and\nmemory.size >= 8g\n)\n');
    expect(live().vms.find((v) => v.id === 1)?.cpuCount).toBe(4);
    // As on the real server, AlterVM changes the VM's RADL only: the stored RADL still says 1 CPU,
    // so only a read of the VM's RADL (GetVMInfo, or the export's vm_list) can see this change.
    expect(String(await call('GetInfrastructureRADL', infId))).toContain('cpu.count >= 1 and');
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    expect(report.calls.AlterVM).toBe(1);
    expect(report.calls.GetVMInfo).toBeUndefined();
    expect(live().vms.map((v) => v.cpuCount)).toEqual([1, 1]);
  });

  it('sees the first VM resized by another client while the others are not', async () => {
    await call('AlterVM', infId, '0', 'system node (\ncpu.count >= 2 and\nmemory.size >= 2g\n)\n');
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    expect(report.calls.AlterVM).toBe(1);
    expect(live().vms.map((v) => [v.cpuCount, v.memoryBytes])).toEqual([
      [1, 1073000000],
      [1, 1073741824],
    ]);
  });

  it('sees a VM stopped by another client and starts it again', async () => {
    await call('StopVM', infId, '0');
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    expect(report.calls.StartInfrastructure).toBe(1);
    expect(live().vms.map((v) => v.state)).toEqual(['configured', 'configured']);
  });

  it('sees a VM removed by another client and adds one back', async () => {
    await call('RemoveResource', infId, '1');
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    expect(report.calls.AddResource).toBe(1);
    expect(live().vms).toHaveLength(2);
  });

  it('sees a recipe added by another client (Reconfigure) and removes it', async () => {
    await call('Reconfigure', infId, "configure node (\n@begin\n- tasks: []\n@end\n)\ncontextualize (\nsystem node configure node\n)\n");
    const report = await reconcile(dir);
    expect(report.calls.Reconfigure).toBe(1);
    expect(report.mutatingCalls).toBe(1);
  });

  it('falls back to GetInfrastructureRADL and GetVMInfo when the export is not readable, and still sees drift', async () => {
    await call('AlterVM', infId, '0', 'system node (\ncpu.count >= 2 and\nmemory.size >= 2g\n)\n');
    server.sim.knobs.faults.add({ method: 'ExportInfrastructure', mode: 'result', result: [true, 'not an export'], times: 1 });
    server.sim.knobs.faults.add({ method: 'ExportInfrastructure', mode: 'result', result: [false, 'some error IM has not said before'], times: 1 });
    const report = await reconcile(dir);
    expect(report.outcome).toBe('converged');
    expect(report.calls.AlterVM).toBe(1);
    expect(report.calls.GetVMInfo).toBeGreaterThanOrEqual(2);
    expect(live().vms.map((v) => v.cpuCount)).toEqual([1, 1]);
  });
});
