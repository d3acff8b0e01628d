/**
 * A tiny experiment-controller store for tests only (the real one belongs to the driver): HTTPS
 * XML-RPC SetValue / GetValue as fedd.md §4 describes fedd's synch store. A key is set once (a
 * second SetValue is `Badly Formed Request`); GetValue with wait=true blocks until the key is set
 * and fails if it is revoked; wait=false on an unset key answers without `value`. Callers are
 * identified by the fedid of their client certificate; `allow` can restrict who may use it.
 */
import { startXmlRpcServer } from '../../../src/xmlrpc/server.js';
import { XmlRpcFault } from '../../../src/xmlrpc/fault.js';
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../../src/xmlrpc/value.js';
import { fedidHex, fedidOfCertificate, selfSignedCertificate } from '../../../src/backends/fedd/sim/index.js';

/** StoreCallRecord is one call the store answered. */
export interface StoreCallRecord {
  op: 'SetValue' | 'GetValue';
  caller: string | undefined;
  name: string;
  value?: string;
  body: XmlRpcStruct;
}

export interface ExchangeStore {
  url: string;
  calls: StoreCallRecord[];
  values: Map<string, string>;
  /** revoke makes a key unusable; waiting getters fail. */
  revoke(key: string): void;
  /** allow, when set, lists the caller fedids (hex) that may use the store. */
  allow: Set<string> | undefined;
  close(): Promise<void>;
}

export async function startExchangeStore(): Promise<ExchangeStore> {
  const identity = await selfSignedCertificate({ commonName: 'test exchange store', serverNames: ['127.0.0.1', 'localhost'] });
  const values = new Map<string, string>();
  const revoked = new Set<string>();
  const waiters = new Map<string, Array<() => void>>();
  const calls: StoreCallRecord[] = [];
  const store = { allow: undefined as Set<string> | undefined };
  const wake = (key: string): void => {
    for (const w of waiters.get(key) ?? []) w();
    waiters.delete(key);
  };
  const body = (op: string, params: XmlRpcValue[]): XmlRpcStruct => {
    const outer = params[0];
    const inner = isStruct(outer) ? outer[`${op}RequestBody`] : undefined;
    if (!isStruct(inner)) throw new XmlRpcFault('Badly Formed Request', `${op}: expected ${op}RequestBody`);
    return inner;
  };
  const proof = (caller: string | undefined): XmlRpcStruct => ({ prover: 'store', principal: caller ?? '', attribute: 'store' });
  const server = await startXmlRpcServer({
    tls: { key: identity.keyPem, cert: identity.certPem, requestCert: true },
    dispatch: (method) => {
      if (method !== 'SetValue' && method !== 'GetValue') return undefined;
      return async (params, call): Promise<XmlRpcValue> => {
        const caller = call.peerCertificate ? fedidHex(fedidOfCertificate(call.peerCertificate)) : undefined;
        const req = body(method, params);
        const name = String(req.name);
        calls.push({ op: method, caller, name, ...(req.value !== undefined ? { value: String(req.value) } : {}), body: req });
        if (store.allow && (!caller || !store.allow.has(caller))) throw new XmlRpcFault('Access Denied', `${caller ?? 'anonymous'} may not use ${name}`);
        if (revoked.has(name)) throw new XmlRpcFault('Badly Formed Request', `key ${name} was revoked`);
        if (method === 'SetValue') {
          if (values.has(name)) throw new XmlRpcFault('Badly Formed Request', `key ${name} is already set`);
          values.set(name, String(req.value));
          wake(name);
          return { SetValueResponseBody: { name, value: String(req.value), proof: proof(caller) } };
        }
        if (!values.has(name) && req.wait === true) {
          await new Promise<void>((resolve) => {
            waiters.set(name, [...(waiters.get(name) ?? []), resolve]);
            call.signal.addEventListener('abort', () => resolve(), { once: true });
          });
          if (revoked.has(name)) throw new XmlRpcFault('Badly Formed Request', `key ${name} was revoked`);
        }
        const value = values.get(name);
        return { GetValueResponseBody: { name, ...(value !== undefined ? { value } : {}), proof: proof(caller) } };
      };
    },
  });
  return Object.assign(store, {
    url: server.url,
    calls,
    values,
    revoke: (key: string) => {
      revoked.add(key);
      wake(key);
    },
    close: () => server.close(),
  });
}
