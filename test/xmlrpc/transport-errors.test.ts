/**
 * Transport failures name the endpoint and the fix, over real sockets on 127.0.0.1: a closed
 * port, a self-signed certificate, plain HTTP behind an https URL. URLs lose their credentials.
 * And a closed client aborts the calls it has in flight (never retried).
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../src/backends/fedd/sim/pki/certificates.js';
import type { ConvergeError } from '../../src/errors/converge-error.js';
import { XmlRpcClient } from '../../src/xmlrpc/client.js';
import { redactUrl } from '../../src/xmlrpc/transport-errors.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function failure(client: XmlRpcClient): Promise<ConvergeError> {
  return client.call('system.listMethods', []).then(
    () => expect.fail('the call succeeded'),
    (error: ConvergeError) => error,
  );
}

describe('transport errors', () => {
  it('redacts userinfo and query values from URLs', () => {
    expect(redactUrl(new URL('https://root:s3cret@xen.example.org:443/api?token=abc&x=1'))).toBe('https://xen.example.org/api?token=redacted&x=redacted');
  });

  it('a closed port: TRANSIENT, names the backend and its URL, without the password', async () => {
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const error = await failure(new XmlRpcClient({ url: `http://admin:s3cret@127.0.0.1:${port}/RPC2`, endpointLabel: 'backend im-prod' }));
    expect([error.kind, error.code]).toEqual(['TRANSIENT', 'XMLRPC_TRANSPORT']);
    expect(error.message).toBe(`system.listMethods: ECONNREFUSED from backend im-prod at http://127.0.0.1:${port}/RPC2: nothing accepts connections there: is the backend running, and is spec.url right?`);
  });

  it('an untrusted certificate: XMLRPC_TLS, terminal, pointing at spec.tls.caFile', async () => {
    const { certPem, keyPem } = await selfSignedCertificate({ commonName: 'localhost', serverNames: ['localhost', '127.0.0.1'] });
    const port = await listen(createHttpsServer({ cert: certPem, key: keyPem }, (_req, res) => res.end()));
    const error = await failure(new XmlRpcClient({ url: `https://127.0.0.1:${port}/`, endpointLabel: 'backend xen-pool' }));
    expect([error.kind, error.code]).toEqual(['TERMINAL', 'XMLRPC_TLS']);
    expect(error.message).toMatch(new RegExp(`from backend xen-pool at https://127\\.0\\.0\\.1:${port}/: .*spec\\.tls\\.caFile`));
    expect(error.retryable).toBe(false);
  });

  it('plain HTTP behind an https URL: XMLRPC_TLS naming the scheme', async () => {
    const port = await listen(createHttpServer((_req, res) => res.end()));
    const error = await failure(new XmlRpcClient({ url: `https://127.0.0.1:${port}/`, endpointLabel: 'backend plc' }));
    expect([error.kind, error.code]).toEqual(['TERMINAL', 'XMLRPC_TLS']);
    expect(error.message).toMatch(/does this port speak https/);
  });

  it('close() aborts the calls in flight and refuses new ones, as ABORTED (not retryable)', async () => {
    const port = await listen(createHttpServer(() => undefined)); // never answers
    const client = new XmlRpcClient({ url: `http://127.0.0.1:${port}/` });
    const pending = failure(client);
    await new Promise((resolve) => setImmediate(resolve));
    client.close();
    expect(await pending).toMatchObject({ code: 'ABORTED', kind: 'TERMINAL' });
    expect(await failure(client)).toMatchObject({ code: 'ABORTED' });
  });
});
