/**
 * startXenApiSimulator serves a XenApiSimulator over HTTP the way xapi does (xenapi.md §1, §7.1):
 * POST on any path is XML-RPC (`/`, `/RPC2`, xen-orchestra's `/xmlrpc`), replies are
 * `content-type: text/xml` exactly, never gzipped, one line. A body that is not XML-RPC gets
 * HTTP 500 with an HTML page — except on `/jsonrpc`, which answers HTTP 200 text/xml so that
 * xen-orchestra's `auto` transport falls back to XML-RPC, as with hosts without JSON-RPC.
 * The call log records an API failure (a `Status: "Failure"` value) as `failure:<CODE>`.
 */
import { startXmlRpcServer, type PlainReply } from '../../../xmlrpc/server.js';
import type { CallOutcome } from '../../../xmlrpc/sim/call-log.js';
import { isStruct, type XmlRpcValue } from '../../../xmlrpc/value.js';
import { XenApiSimulator, type XenApiSimulatorOptions } from './simulator.js';

export interface RunningXenApiSimulator {
  url: string;
  port: number;
  sim: XenApiSimulator;
  close(): Promise<void>;
}

const ERROR_PAGE =
  '<html><body><h1>HTTP 500 internal server error</h1>An unexpected error occurred; please wait a while and try again. ' +
  'If the problem persists, please contact your support representative.<h1> Additional information </h1>';

function malformedReply(sim: XenApiSimulator, path: string, error: Error): PlainReply {
  if (path === '/jsonrpc') {
    const body = sim.encodeValue({ Status: 'Failure', ErrorDescription: ['INTERNAL_ERROR', 'JSON-RPC is not served here; use XML-RPC'] });
    return { status: 200, contentType: 'text/xml', body };
  }
  const detail = error.message.replace(/[<>&]/g, ' ');
  return { status: 500, contentType: 'text/html', body: `${ERROR_PAGE}Xml_light.Xml_error("${detail}")</body></html>` };
}

/** callOutcome logs a `{Status: "Failure", ErrorDescription: [CODE, …]}` answer as `failure:CODE`. */
function callOutcome(value: XmlRpcValue): CallOutcome | undefined {
  if (!isStruct(value) || value.Status !== 'Failure') return undefined;
  const [code] = Array.isArray(value.ErrorDescription) ? value.ErrorDescription : [];
  return `failure:${typeof code === 'string' ? code : 'UNKNOWN'}`;
}

export async function startXenApiSimulator(options: XenApiSimulatorOptions & { host?: string; port?: number } = {}): Promise<RunningXenApiSimulator> {
  const sim = new XenApiSimulator(options);
  const server = await startXmlRpcServer({
    host: options.host,
    port: options.port,
    acceptAnyPath: true,
    secretParams: { 'session.login_with_password': [1], 'session.slave_local_login_with_password': [1] },
    dispatch: (method) => sim.dispatch(method),
    encodeValue: (value) => sim.encodePieces(value),
    malformedRequest: ({ path, error }) => malformedReply(sim, path, error),
    classifyResult: callOutcome,
    knobs: sim.knobs,
    gzipThreshold: false,
  });
  return {
    url: server.url,
    port: server.port,
    sim,
    close: async () => {
      sim.close();
      await server.close();
    },
  };
}
