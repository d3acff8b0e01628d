/**
 * Observed IM objects keep their strings without keeping the RADL texts they were read from: the
 * RADL reader's string values are V8 sliced strings into the whole stored RADL or VM RADL, and a
 * key, image URL or DNS name kept in an ObservedObject kept that text alive for the whole pass
 * (im-observe.ts copies them with src/util/own-string.ts). Each RADL here carries a 200 kB comment, so a
 * pinned text shows clearly; the observed objects themselves are a few kB.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ImApi } from '../../src/backends/im/im-api.js';
import { observeOne } from '../../src/backends/im/im-observe.js';
import type { ObservedObject } from '../../src/backends/driver.js';
import type { XmlRpcClient } from '../../src/xmlrpc/client.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const PAD = `# ${'padding '.repeat(25_000)}\n`; // 200 kB, skipped by the reader

function exportOf(i: number): string {
  const radl =
    `${PAD}description converge (\nconverge.owner = 'me' and\nconverge.key = 'Infrastructure/a-rather-long-name-${i}'\n)\n` +
    `network private-network-${i} ( outbound = 'no' )\nsystem front-end-node-${i} (\ncpu.count >= 1 and\nmemory.size >= 1Gi and\n` +
    `net_interface.0.connection = 'private-network-${i}' and\nnet_interface.0.dns_name = 'front-end-node-${i}.example.org' and\ndisk.0.image.url = 'one://cloud.example.org/images/${i}'\n)\ndeploy front-end-node-${i} 1`;
  const info = `${PAD}${radl.slice(PAD.length).replace(`net_interface.0.connection`, `net_interface.0.ip = '2001:db8::${i}:1' and\nnet_interface.0.connection`)}`;
  return JSON.stringify({ id: `inf-${i}`, vm_list: [{ im_id: 0, destroy: false, info }], radl });
}

function client(i: number): XmlRpcClient {
  return {
    call: async (method: string) => {
      if (method === 'GetInfrastructureState') return [true, { state: 'configured', vm_states: { '0': 'configured' } }];
      if (method === 'ExportInfrastructure') return [true, exportOf(i)];
      throw new Error(`unexpected ${method}`);
    },
  } as unknown as XmlRpcClient;
}

describe('IM observed objects', () => {
  it('keep their strings without keeping the RADL texts they were read from', async () => {
    const signal = new AbortController().signal;
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept: ObservedObject[] = [];
    for (let i = 0; i < 20; i++) {
      const api = new ImApi(client(i), { auth: () => [], onRetry: () => undefined, mutateTimeoutMs: 1000 });
      const result = await observeOne(api, 'im', 'me', `inf-${i}`, signal);
      if (result.found !== 'ours') throw new Error(result.found);
      kept.push(result.object);
    }
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const held = process.memoryUsage().heapUsed - before;
    const o = kept[7]!;
    expect(o.key).toBe('Infrastructure/a-rather-long-name-7');
    expect(o.spec).toMatchObject({ systems: { 'front-end-node-7': { image: 'one://cloud.example.org/images/7', interfaces: [{ network: 'private-network-7', dnsName: 'front-end-node-7.example.org' }] } } });
    expect(o.access?.addresses?.[0]).toMatchObject({ ip: '2001:db8::7:1', dnsName: 'front-end-node-7.example.org' });
    // 40 RADL texts of 200 kB were read (8 MB); the objects hold a few kB each. Pinned texts would be > 4 MB.
    expect(held).toBeLessThan(2 * 2 ** 20);
  });
});
