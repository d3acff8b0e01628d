/**
 * converge's connection-per-call transport (what the IM driver uses) against the IM simulator,
 * which closes every connection after its reply as IM's HTTP/1.0 server does: reads with and
 * without gzip read alike, a fault stays a fault, another path is HTTP 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XmlRpcClient } from '../../../src/xmlrpc/client.js';
import { AUTH, createInfra, startTestSim, type TestSim } from './helpers.js';

describe('IM simulator through the connection-per-call transport', () => {
  let sim: TestSim;
  let inf: string;
  const clients: XmlRpcClient[] = [];
  const client = (options: { acceptGzip?: boolean; path?: string } = {}) => {
    const made = new XmlRpcClient({ url: `${sim.url}${options.path ?? ''}`, connectionPerCall: true, maxSockets: 4, ...(options.acceptGzip === undefined ? {} : { acceptGzip: options.acceptGzip }) });
    clients.push(made);
    return made;
  };
  beforeAll(async () => {
    sim = await startTestSim();
    inf = await createInfra(sim);
  });
  afterAll(async () => {
    for (const made of clients) made.close();
    await sim.close();
  });

  it('reads an export (over 1400 bytes) alike with and without gzip, many calls at once', async () => {
    const plain = client();
    const zipped = client({ acceptGzip: true });
    const reads = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? zipped : plain).call('ExportInfrastructure', [inf, false, AUTH])));
    const [ok, exported] = reads[0] as [boolean, string];
    expect([ok, exported.length > 1400]).toEqual([true, true]);
    // `last_update` is the time of the read (seconds): reads straddling a second differ there, and only there.
    const untimed = (read: unknown): unknown => (Array.isArray(read) && typeof read[1] === 'string' ? [read[0], read[1].replace(/"last_update": \d+/g, '"last_update": 0')] : read);
    for (const read of reads) expect(untimed(read)).toEqual(untimed(reads[0]));
    expect(await plain.call('GetInfrastructureState', [inf, AUTH])).toEqual(await zipped.call('GetInfrastructureState', [inf, AUTH]));
  });

  it('an unknown method is a fault; another path HTTP 404', async () => {
    await expect(client().call('NoSuchMethod', [])).rejects.toMatchObject({ code: 'XMLRPC_FAULT', faultCode: 1 });
    await expect(client({ path: 'nope' }).call('GetVersion', [])).rejects.toMatchObject({ code: 'XMLRPC_HTTP_404' });
  });
});
