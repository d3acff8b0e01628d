/**
 * Observe's export read against the shape a real IM v1.19.2 sends (InfrastructureInfo.serialize):
 * each VM serialized as a JSON string inside the outer JSON, removed VMs still in `vm_list` with
 * `destroy: true`, and IM's private-network placeholder system (`F0000__FAKE_SYSTEM__0`, with a
 * `deploy ... 0`) in the stored RADL, which GetInfrastructureRADL hides and the export does not.
 */
import { describe, expect, it } from 'vitest';
import { ImApi } from '../../src/backends/im/im-api.js';
import { parseExport } from '../../src/backends/im/im-export.js';
import { observeOne } from '../../src/backends/im/im-observe.js';
import type { XmlRpcClient } from '../../src/xmlrpc/client.js';
import type { XmlRpcValue } from '../../src/xmlrpc/value.js';

const MARKER = "description converge (\nconverge.owner = 'me' and\nconverge.key = 'Infrastructure/web'\n)\n";
const STORED_RADL =
  MARKER +
  "network lan ( outbound = 'no' )\nsystem node (\ncpu.count >= 1 and\nmemory.size >= 1Gi and\nnet_interface.0.connection = 'lan' and\ndisk.0.os.name = 'linux' and\ndisk.0.image.url = 'mock0://img'\n)\n\n" +
  "system F0000__FAKE_SYSTEM__0 (\nnet_interface.0.connection = 'lan'\n)\n\ncontextualize ()\ndeploy node 1\ndeploy F0000__FAKE_SYSTEM__0 0 dummy";

const vmInfo = (id: number, cpu: number, memory: string) =>
  "network lan ( outbound = 'no' )\nsystem node (\n" +
  `cpu.count >= ${cpu} and\nmemory.size ${memory} and\nnet_interface.0.connection = 'lan' and\ndisk.0.os.name = 'linux' and\n` +
  `disk.0.image.url = 'mock0://img' and\nstate = 'configured' and\nprovider.type = 'Dummy' and\nnet_interface.0.ip = '10.0.0.${id + 1}' and\n` +
  `net_interface.0.dns_name = 'vnode-${id}'\n)\n\ncontextualize ()\ndeploy node 1`;

/** pyVm is VirtualMachine.serialize(): json.dumps of the VM's dict, a string. */
const pyVm = (imId: number, destroy: boolean, info: string) =>
  JSON.stringify({ last_update: 1, destroy, state: 'configured', id: `17954110663${imId}`, im_id: imId, creation_im_id: imId, cloud: JSON.stringify({ id: 'dummy', type: 'Dummy' }), info, requested_radl: info, cont_out: '', configured: true, creating: false, deleting: false });

const EXPORT = JSON.stringify({
  id: 'inf-1',
  vm_list: [pyVm(0, false, vmInfo(0, 2, '= 2000M')), pyVm(1, true, vmInfo(1, 1, '>= 1Gi')), pyVm(2, false, vmInfo(2, 1, '>= 1Gi'))],
  auth: JSON.stringify([{ type: 'InfrastructureManager', username: 'u', password: 'secret', admin: false }]),
  radl: STORED_RADL,
  private_networks: { lan: 'dummy' },
  deleted: false,
  cont_out: 'Contextualization disabled by the RADL/TOSCA template.\n\n',
  configured: true,
});

/** fakeClient answers the calls observe makes, as IM would, and counts them. */
function fakeClient(answers: Record<string, XmlRpcValue>): { client: XmlRpcClient; calls: string[] } {
  const calls: string[] = [];
  const client = {
    call: async (method: string) => {
      calls.push(method);
      if (!(method in answers)) throw new Error(`unexpected call ${method}`);
      return [true, answers[method]!];
    },
  } as unknown as XmlRpcClient;
  return { client, calls };
}

const api = (client: XmlRpcClient) => new ImApi(client, { auth: () => [], onRetry: () => undefined, mutateTimeoutMs: 1000 });

describe('IM export read', () => {
  it('parses IM serialization: VMs as JSON strings, removed ones dropped', () => {
    const parsed = parseExport(EXPORT)!;
    expect(parsed.radl).toBe(STORED_RADL);
    expect([...parsed.vmInfo.keys()]).toEqual([0, 2]);
    expect(parsed.vmInfo.get(0)).toContain('cpu.count >= 2');
  });

  it('parses the simulator form too (VMs as objects), and refuses other shapes', () => {
    const sim = JSON.stringify({ ...JSON.parse(EXPORT), vm_list: [JSON.parse(pyVm(0, false, vmInfo(0, 1, '>= 1Gi')))] });
    expect([...parseExport(sim)!.vmInfo.keys()]).toEqual([0]);
    expect(parseExport('not json')).toBeUndefined();
    expect(parseExport('{"radl": "x"}')).toBeUndefined();
    expect(parseExport('{"radl": "x", "vm_list": [{"info": "x"}]}')).toBeUndefined();
  });

  it('observes from state and export alone: placeholder systems hidden, each VM read from its info', async () => {
    const { client, calls } = fakeClient({
      GetInfrastructureState: { state: 'configured', vm_states: { '0': 'configured', '2': 'configured' } },
      ExportInfrastructure: EXPORT,
    });
    const result = await observeOne(api(client), 'im', 'me', 'inf-1', new AbortController().signal);
    expect(calls).toEqual(['GetInfrastructureState', 'ExportInfrastructure']);
    if (result.found !== 'ours') throw new Error(`expected ours, got ${result.found}`);
    const spec = result.object.spec as unknown as { systems: Record<string, { cpu?: number; memoryMB?: number }>; deploy: Record<string, number> };
    expect(Object.keys(spec.systems)).toEqual(['node']);
    expect(spec.deploy).toEqual({ node: 2 });
    // VM 0 was resized (2 CPUs, 2000M) and VM 2 was not: the system's cpu and memory are mixed.
    expect(spec.systems.node!.cpu).toBeUndefined();
    expect(spec.systems.node!.memoryMB).toBeUndefined();
    expect(result.object.access?.addresses?.map((a) => a.ip)).toEqual(['10.0.0.1', '10.0.0.3']);
    expect(result.object.status.phase).toBe('ready');
  });

  it('reports a listed VM the export does not have yet as not readable (IM still changing)', async () => {
    const { client } = fakeClient({
      GetInfrastructureState: { state: 'running', vm_states: { '0': 'configured', '2': 'configured', '3': 'running' } },
      ExportInfrastructure: EXPORT,
    });
    const result = await observeOne(api(client), 'im', 'me', 'inf-1', new AbortController().signal);
    if (result.found !== 'ours') throw new Error(`expected ours, got ${result.found}`);
    expect(result.object.status.changing).toBe(true);
    expect((result.object.detail as { unreadable: number[] }).unreadable).toEqual([3]);
  });
});
