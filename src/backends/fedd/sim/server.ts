/**
 * startFeddSimulator serves every testbed of a FeddSimulator as its own access controller: an
 * HTTPS XML-RPC endpoint on 127.0.0.1 (one port each) with the testbed's server certificate,
 * signed by the simulator's CA. Clients must present a certificate (any issuer, as fedd accepts
 * self-signed ones); its key's fedid is the caller. As fedd's BaseHTTPServer does, each reply
 * closes the connection; an unknown method is Fault(100, "Unknown method: X") and a body that is
 * not XML-RPC is Fault("Client", "Malformed request").
 *
 * `restart(testbed)` closes one endpoint (dropping its connections and the starts in flight) and
 * opens it again on the same port, optionally without its allocations.
 */
import { encodeFault } from '../../../xmlrpc/codec.js';
import { startXmlRpcServer, type RunningXmlRpcServer } from '../../../xmlrpc/server.js';
import type { Identity } from './pki/certificates.js';
import { fedidHex } from './pki/fedid.js';
import { CLIENT_NAME, type PemFiles } from './pki/pki-store.js';
import type { FeddSimulatorOptions } from './options.js';
import { FeddSimulator } from './simulator.js';
import { unknownMethod } from './wire/fault-codes.js';

/** RunningTestbed is one served access controller. */
export interface RunningTestbed {
  name: string;
  url: string;
  port: number;
  /** fedid is the access controller's own, as 40 hex digits. */
  fedid: string;
}

/** RunningFeddSimulator is a served simulator. */
export interface RunningFeddSimulator {
  sim: FeddSimulator;
  testbeds: RunningTestbed[];
  /** url returns testbed `name`'s endpoint. */
  url(name: string): string;
  /** ca is the simulator's CA certificate (clients' trust anchor) and where it was written. */
  ca: { certPem: string; certPath?: string };
  /** client is converge's client identity (authorized everywhere) and where it was written. */
  client: Identity & Partial<PemFiles>;
  /** issueClient makes a new client certificate signed by the simulator's CA (not authorized until `authorize`). */
  issueClient(commonName: string): Promise<Identity>;
  /** restart closes and reopens one testbed's endpoint; `forgetAllocations` drops its allocations too. */
  restart(name: string, options?: { forgetAllocations?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function startFeddSimulator(options: FeddSimulatorOptions = {}): Promise<RunningFeddSimulator> {
  const sim = await FeddSimulator.create(options);
  const servers = new Map<string, RunningXmlRpcServer>();
  const testbeds: RunningTestbed[] = [];
  const restart = async (name: string, restartOptions: { forgetAllocations?: boolean } = {}): Promise<void> => {
    const server = servers.get(name);
    if (!server) throw new Error(`no testbed ${name}`);
    await server.close();
    sim.crash(name, restartOptions.forgetAllocations ?? false);
    servers.set(name, await serveTestbed(sim, name, options.host, server.port, restart));
  };
  try {
    for (const [index, name] of sim.testbedNames.entries()) {
      const port = options.port ? options.port + index : 0;
      const server = await serveTestbed(sim, name, options.host, port, restart);
      servers.set(name, server);
      testbeds.push({ name, url: server.url, port: server.port, fedid: fedidHex(sim.serverIdentity(name).fedid) });
    }
  } catch (error) {
    await Promise.all([...servers.values()].map((s) => s.close()));
    throw error;
  }
  const caFiles = sim.pki.files('ca');
  return {
    sim,
    testbeds,
    url: (name) => {
      const found = testbeds.find((t) => t.name === name);
      if (!found) throw new Error(`no testbed ${name}`);
      return found.url;
    },
    ca: { certPem: sim.pki.authority.certPem, ...(caFiles ? { certPath: caFiles.certPath } : {}) },
    client: { ...sim.client, ...(sim.pki.files(CLIENT_NAME) ?? {}) },
    issueClient: (commonName) => sim.pki.issueClient(commonName),
    restart,
    close: async () => {
      sim.stopAll();
      await Promise.all([...servers.values()].map((s) => s.close()));
      // Saved last so the virtual time a test advanced (control calls do not save) survives too.
      sim.persist();
    },
  };
}

function serveTestbed(
  sim: FeddSimulator,
  name: string,
  host: string | undefined,
  port: number,
  restart: (name: string, options: { forgetAllocations?: boolean }) => Promise<void>,
): Promise<RunningXmlRpcServer> {
  const identity = sim.serverIdentity(name);
  const hooks = { restart: (forgetAllocations: boolean) => void restart(name, { forgetAllocations }).catch(() => undefined) };
  return startXmlRpcServer({
    host: host ?? '127.0.0.1',
    port,
    paths: ['/', '/RPC2'],
    dispatch: sim.dispatch(name, hooks),
    unknownMethodFault: unknownMethod,
    knobs: sim.knobs(name),
    tls: { key: identity.keyPem, cert: identity.certPem, requestCert: true },
    malformedRequest: () => ({ status: 200, contentType: 'text/xml', body: encodeFault('Client', 'Malformed request') }),
    closeAfterReply: true,
    gzipThreshold: false,
  });
}
