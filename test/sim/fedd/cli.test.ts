/**
 * `converge sim fedd --testbeds a,b,c` on the compiled CLI (npm test builds dist first): one
 * HTTPS access controller per testbed, and the CA certificate and converge's client certificate
 * and key written to files that a client can use as they are.
 */
import { readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCall } from '../../../src/xmlrpc/codec.js';
import type { XmlRpcStruct } from '../../../src/xmlrpc/value.js';
import { startCli } from '../../helpers/cli.js';
import { postXml } from './helpers.js';

interface Listening {
  testbeds: Array<{ name: string; url: string; fedid: string }>;
  caCert: string;
  clientCert: string;
  clientKey: string;
  clientFedid: string;
}

describe('converge sim fedd', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fedd-cli-'));
  let sim: ReturnType<typeof startCli>;
  let listening: Listening;

  beforeAll(async () => {
    sim = startCli(['sim', 'fedd', '--testbeds', 'a,b,c', '--port', '0', '--pki-dir', join(dir, 'pki'), '--json']);
    listening = await new Promise<Listening>((resolve, reject) => {
      let text = '';
      sim.stdout!.on('data', (c: Buffer) => {
        text += c.toString();
        const line = text.split('\n').find((l) => l.includes('"listening"'));
        if (line) resolve(JSON.parse(line) as Listening);
      });
      sim.on('close', () => reject(new Error(`simulator exited: ${text}`)));
    });
  });

  afterAll(async () => {
    sim.kill('SIGTERM');
    await sim.result;
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves one access controller per testbed and writes the certificates a client needs', async () => {
    expect(listening.testbeds.map((t) => t.name)).toEqual(['a', 'b', 'c']);
    expect(new Set(listening.testbeds.map((t) => t.url)).size).toBe(3);
    expect(listening.caCert).toBe(join(dir, 'pki', 'ca.pem'));
    expect(statSync(listening.clientKey).mode & 0o777).toBe(0o600);
    const caller = { certPem: readFileSync(listening.clientCert, 'utf8'), keyPem: readFileSync(listening.clientKey, 'utf8') };
    const ca = readFileSync(listening.caCert, 'utf8');
    for (const testbed of listening.testbeds) {
      const reply = await postXml(testbed.url, encodeCall('RequestAccess', [{ RequestAccessRequestBody: {} }]), caller, ca);
      expect(reply.ok, testbed.name).toBe(true);
      const body = (reply as { value: XmlRpcStruct }).value.RequestAccessResponseBody as XmlRpcStruct;
      expect(body.proof).toMatchObject({ principal: listening.clientFedid.replace('fedid:', '') });
    }
  });

  it('never prints key material', async () => {
    sim.kill('SIGTERM');
    const result = await sim.result;
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('PRIVATE KEY');
  });
});
