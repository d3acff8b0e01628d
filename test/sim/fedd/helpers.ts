/**
 * Test helpers for the fedd simulator: a real simulator on 127.0.0.1 (HTTPS, port 0 per
 * testbed), a small fedd XML-RPC client over node:https that presents a client certificate and
 * keeps fedd's string fault codes, and topdl builders.
 */
import https from 'node:https';
import { encodeCall, decodeDateTime } from '../../../src/xmlrpc/codec.js';
import { decodeMethodResponse } from '../../../src/xmlrpc/fast-decoder.js';
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../../src/xmlrpc/value.js';
import { startFeddSimulator, type FeddSimulatorOptions, type Identity, type RunningFeddSimulator } from '../../../src/backends/fedd/sim/index.js';

/** Reply is a decoded fedd reply: a value, or a fault with its code as sent (string or int). */
export type Reply = { ok: true; value: XmlRpcValue } | { ok: false; code: XmlRpcValue; text: string };

/** Caller is who makes a call: a certificate and key, or nobody (no client certificate). */
export type Caller = Pick<Identity, 'certPem' | 'keyPem'> | null;

/** postXml sends a raw XML body to a testbed and decodes the reply. */
export function postXml(url: string, xml: string, caller: Caller, caPem: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: 'POST',
        agent: false,
        ca: caPem,
        ...(caller ? { cert: caller.certPem, key: caller.keyPem } : {}),
        headers: { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(xml) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('error', reject);
        response.on('end', () => {
          if (response.statusCode !== 200) return reject(new Error(`HTTP ${response.statusCode}`));
          const { fault, value } = decodeMethodResponse(Buffer.concat(chunks).toString('utf8'), decodeDateTime);
          if (!fault) return resolve({ ok: true, value });
          const f = value as { faultCode: XmlRpcValue; faultString: XmlRpcValue };
          resolve({ ok: false, code: f.faultCode, text: String(f.faultString) });
        });
      },
    );
    request.on('error', reject);
    request.end(xml);
  });
}

/** TestFedd is a running simulator with call helpers bound to converge's client certificate. */
export type TestFedd = RunningFeddSimulator & {
  /** call sends `{<op>RequestBody: body}` to a testbed. */
  call(testbed: string, op: string, body: XmlRpcStruct, caller?: Caller): Promise<Reply>;
  /** ok calls and returns the unwrapped response body, failing the test on a fault. */
  ok(testbed: string, op: string, body: XmlRpcStruct, caller?: Caller): Promise<XmlRpcStruct>;
  /** fault calls and returns the fault, failing the test on success. */
  fault(testbed: string, op: string, body: XmlRpcStruct, caller?: Caller): Promise<{ code: XmlRpcValue; text: string }>;
  /** control calls a `converge.sim.*` method on a testbed's endpoint. */
  control(testbed: string, method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue>;
  /** allocate does RequestAccess and returns the allocID struct. */
  allocate(testbed: string, caller?: Caller): Promise<XmlRpcStruct>;
};

export async function startTestFedd(options: FeddSimulatorOptions = {}): Promise<TestFedd> {
  const running = await startFeddSimulator({ testbeds: ['a'], policy: { startMs: 0 }, ...options });
  const defaultCaller: Caller = running.client;
  const call = (testbed: string, op: string, body: XmlRpcStruct, caller: Caller = defaultCaller): Promise<Reply> =>
    postXml(running.url(testbed), encodeCall(op, [{ [`${op}RequestBody`]: body }]), caller, running.ca.certPem);
  const ok = async (testbed: string, op: string, body: XmlRpcStruct, caller?: Caller): Promise<XmlRpcStruct> => {
    const reply = await call(testbed, op, body, caller);
    if (!reply.ok) throw new Error(`${op} on ${testbed} faulted: ${String(reply.code)}: ${reply.text}`);
    const inner = isStruct(reply.value) ? reply.value[`${op}ResponseBody`] : undefined;
    if (!isStruct(inner)) throw new Error(`${op} reply is not wrapped in ${op}ResponseBody: ${JSON.stringify(reply.value)}`);
    return inner;
  };
  const fault = async (testbed: string, op: string, body: XmlRpcStruct, caller?: Caller): Promise<{ code: XmlRpcValue; text: string }> => {
    const reply = await call(testbed, op, body, caller);
    if (reply.ok) throw new Error(`expected a fault from ${op} on ${testbed}, got ${JSON.stringify(reply.value)}`);
    return { code: reply.code, text: reply.text };
  };
  const control = async (testbed: string, method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue> => {
    const reply = await postXml(running.url(testbed), encodeCall(method, params), defaultCaller, running.ca.certPem);
    if (!reply.ok) throw new Error(`${method} faulted: ${reply.text}`);
    return reply.value;
  };
  const allocate = async (testbed: string, caller?: Caller): Promise<XmlRpcStruct> =>
    (await ok(testbed, 'RequestAccess', { credential: ['project:converge'] }, caller)).allocID as XmlRpcStruct;
  return Object.assign(running, { call, ok, fault, control, allocate });
}

/** computer builds a topdl Computer element attached to `substrates`. */
export function computer(name: string, substrates: string[] = [], attributes: Record<string, string> = {}): XmlRpcStruct {
  const body: XmlRpcStruct = { name };
  if (substrates.length > 0) body.interface = substrates.map((s, i) => ({ substrate: [s], name: `inf00${i}` }));
  const attrs = Object.entries(attributes).map(([attribute, value]) => ({ attribute, value }));
  if (attrs.length > 0) body.attribute = attrs;
  return { computer: body };
}

/** topology builds a topdl topology with the given substrates and elements. */
export function topology(substrates: string[], elements: XmlRpcStruct[]): XmlRpcStruct {
  return {
    version: '1.0',
    ...(substrates.length > 0 ? { substrates: substrates.map((name) => ({ name, capacity: { rate: 100000, kind: 'max' } })) } : {}),
    ...(elements.length > 0 ? { elements } : {}),
  };
}

/** startBody builds a StartSegment request body. */
export function startBody(allocID: XmlRpcStruct, topo: XmlRpcStruct, extra: XmlRpcStruct = {}): XmlRpcStruct {
  return { allocID, segmentdescription: { topdldescription: topo }, ...extra };
}

/** computersOf lists `{name, status, localname}` of the Computers in a segment description. */
export function computersOf(description: XmlRpcValue | undefined): Array<{ name: string; status?: string; localname?: string[] }> {
  const topo = isStruct(description) ? description.topdldescription : undefined;
  const elements = isStruct(topo) && Array.isArray(topo.elements) ? topo.elements : [];
  return elements.flatMap((e) => {
    const c = isStruct(e) ? e.computer : undefined;
    if (!isStruct(c)) return [];
    return [{ name: String(c.name), ...(c.status ? { status: String(c.status) } : {}), ...(Array.isArray(c.localname) ? { localname: c.localname.map(String) } : {}) }];
  });
}

/** fedAttrOf reads one fedAttr value of a response body. */
export function fedAttrOf(body: XmlRpcStruct, name: string): string | undefined {
  const list = Array.isArray(body.fedAttr) ? body.fedAttr : [];
  const found = list.find((a) => isStruct(a) && a.attribute === name);
  return isStruct(found) ? String(found.value) : undefined;
}

/** allocHex is the hex of an allocID struct. */
export function allocHex(allocID: XmlRpcStruct): string {
  return (allocID.fedid as Buffer).toString('hex');
}
