/**
 * The access controller's calls back to the experiment controller's shared store (SetValue,
 * GetValue) at the `store` URL a connection parameter names. As fedd does, the call is made
 * under the allocation's own certificate (its fedid is the allocID, which is how the store
 * knows who may read or write a key) and the store's certificate is not checked against any CA
 * (fedd allows unknown CAs). Bodies are wrapped as `<Op>RequestBody`.
 */
import http from 'node:http';
import https from 'node:https';
import { encodeCall, decodeDateTime } from '../../../../xmlrpc/codec.js';
import { decodeMethodResponse } from '../../../../xmlrpc/fast-decoder.js';
import type { XmlRpcStruct, XmlRpcValue } from '../../../../xmlrpc/value.js';
import type { Identity } from '../pki/certificates.js';
import { unwrapResponse } from '../wire/envelope.js';

/** StoreReply is the outcome of one store call. */
export type StoreReply =
  | { kind: 'ok'; body: XmlRpcStruct }
  | { kind: 'fault'; code: XmlRpcValue; text: string }
  | { kind: 'transport'; message: string };

/** StoreCall is one call to make. */
export interface StoreCall {
  url: string;
  op: 'SetValue' | 'GetValue';
  body: XmlRpcStruct;
  identity: Identity;
  signal: AbortSignal;
}

/** callStore posts one call and never throws for failures of the store or the network; an abort rejects. */
export async function callStore(call: StoreCall): Promise<StoreReply> {
  let raw: { status: number; body: Buffer };
  try {
    raw = await post(call);
  } catch (error) {
    call.signal.throwIfAborted();
    return { kind: 'transport', message: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
  }
  if (raw.status !== 200) return { kind: 'transport', message: `HTTP ${raw.status}` };
  try {
    const { fault, value } = decodeMethodResponse(raw.body.toString('utf8'), decodeDateTime);
    if (fault) {
      const struct = (value ?? {}) as { faultCode?: XmlRpcValue; faultString?: XmlRpcValue };
      return { kind: 'fault', code: struct.faultCode ?? null, text: String(struct.faultString ?? '') };
    }
    const body = unwrapResponse(call.op, value);
    return body ? { kind: 'ok', body } : { kind: 'transport', message: `${call.op} reply is not a struct` };
  } catch (error) {
    return { kind: 'transport', message: `unreadable reply: ${(error as Error).message}` };
  }
}

function post(call: StoreCall): Promise<{ status: number; body: Buffer }> {
  const url = new URL(call.url);
  const xml = encodeCall(call.op, [{ [`${call.op}RequestBody`]: call.body }]);
  const secure = url.protocol === 'https:';
  const options = {
    method: 'POST',
    agent: false as const,
    signal: call.signal,
    headers: { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(xml), 'User-Agent': 'fedd-sim access controller' },
    ...(secure ? { cert: call.identity.certPem, key: call.identity.keyPem, rejectUnauthorized: false } : {}),
  };
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.end(xml);
  });
}
