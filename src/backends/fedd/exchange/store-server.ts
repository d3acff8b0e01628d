/**
 * The exchange store's endpoint: HTTPS XML-RPC serving SetValue and GetValue (fedd's wire form:
 * one struct parameter wrapped as `<Op>RequestBody`, replies `<Op>ResponseBody` with a proof),
 * presenting converge's own certificate and asking every caller for theirs, whose key's fedid is
 * the caller. It listens on the Backend's `exchange.listen` (default 127.0.0.1:0) and is reached
 * at `exchange.url` (default https://<listen host>:<port>), the URL StartSegment requests name.
 */
import { startXmlRpcServer, type CallContext } from '../../../xmlrpc/server.js';
import { XmlRpcFault } from '../../../xmlrpc/fault.js';
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../../xmlrpc/value.js';
import { fedidOfCertificate } from '../wire/fedid.js';
import type { ExchangeStore } from './exchange-store.js';

/** GET_WAIT_MS is how long one GetValue(wait) is held before it answers without a value. */
export const GET_WAIT_MS = 20_000;

/** ExchangeServerOptions: where to listen, what to present, and the store to serve. */
export interface ExchangeServerOptions {
  listen: string;
  url?: string;
  identity: { certPem: string; keyPem: string };
  store: ExchangeStore;
  /** prover names converge in the replies' proofs (its fedid, hex). */
  prover: string;
}

/** RunningExchange is a listening store endpoint. */
export interface RunningExchange {
  url: string;
  close(): Promise<void>;
}

/** startExchangeServer listens and serves `store` until close(). */
export async function startExchangeServer(options: ExchangeServerOptions): Promise<RunningExchange> {
  const { host, port } = parseListen(options.listen);
  const server = await startXmlRpcServer({
    host,
    port,
    tls: { key: options.identity.keyPem, cert: options.identity.certPem, requestCert: true },
    dispatch: (method) => (method === 'SetValue' || method === 'GetValue' ? (params, call) => answer(options, method, params, call) : undefined),
    unknownMethodFault: (method) => new XmlRpcFault(100, `Unknown method: ${method}`),
  });
  return { url: options.url ?? `https://${host.includes(':') ? `[${host}]` : host}:${server.port}`, close: () => server.close() };
}

async function answer(options: ExchangeServerOptions, op: 'SetValue' | 'GetValue', params: XmlRpcValue[], call: CallContext): Promise<XmlRpcStruct> {
  const outer = params[0];
  const body = isStruct(outer) && isStruct(outer[`${op}RequestBody`]) ? (outer[`${op}RequestBody`] as XmlRpcStruct) : outer;
  if (!isStruct(body) || typeof body.name !== 'string') throw new XmlRpcFault('Badly Formed Request', `${op}: expected ${op}RequestBody with a name`);
  const caller = call.peerCertificate ? fedidOfCertificate(call.peerCertificate).toString('hex') : undefined;
  const proof = { prover: options.prover, principal: caller ?? '', attribute: 'exchange' };
  if (op === 'SetValue') {
    if (typeof body.value !== 'string') throw new XmlRpcFault('Badly Formed Request', 'SetValue: value must be a string');
    options.store.set(caller, body.name, body.value);
    return { SetValueResponseBody: { name: body.name, value: body.value, proof } };
  }
  const value = await options.store.get(caller, body.name, body.wait === true, GET_WAIT_MS, call.signal);
  return { GetValueResponseBody: { name: body.name, ...(value !== undefined ? { value } : {}), proof } };
}

function parseListen(listen: string): { host: string; port: number } {
  const at = listen.lastIndexOf(':');
  return { host: listen.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(listen.slice(at + 1)) };
}
