/**
 * Test helpers: a real IM simulator on 127.0.0.1 (port 0) and a tiny XML-RPC client built on
 * the project's codec and Node's fetch.
 */
import { encodeCall, decodeResponse, type DecodedResponse } from '../../../src/xmlrpc/codec.js';
import type { XmlRpcStruct, XmlRpcValue } from '../../../src/xmlrpc/value.js';
import { startImSimulator, type ImSimulatorOptions } from '../../../src/backends/im/sim/index.js';

export const AUTH: XmlRpcStruct[] = [
  { id: 'im', type: 'InfrastructureManager', username: 'user', password: 'pass' },
  { id: 'dummy', type: 'Dummy' },
];

export const OTHER_AUTH: XmlRpcStruct[] = [
  { id: 'im', type: 'InfrastructureManager', username: 'other', password: 'pass' },
  { id: 'dummy', type: 'Dummy' },
];

export const TRANSCRIPT_RADL = `network net ( outbound = 'no' )
system node (
  cpu.count >= 1 and
  memory.size >= 512m and
  net_interface.0.connection = 'net' and
  disk.0.os.name = 'linux' and
  disk.0.image.url = 'mock0://linux.for.ev.er/image1'
)
contextualize ()
deploy node 2`;

export interface RawReply {
  status: number;
  headers: Headers;
  reply: DecodedResponse;
}

export async function rawCall(url: string, method: string, params: XmlRpcValue[], headers: Record<string, string> = {}): Promise<RawReply> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml', 'Accept-Encoding': 'identity', ...headers },
    body: encodeCall(method, params),
  });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, reply: await decodeResponse(body) };
}

export type TestSim = Awaited<ReturnType<typeof startImSimulator>> & {
  /** call returns the value, or throws on a fault. */
  call(method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue>;
  /** fault returns the faultString of a call that must fault. */
  fault(method: string, ...params: XmlRpcValue[]): Promise<string>;
};

/**
 * startTestSim starts a simulator whose changes take no time unless the test asks for the
 * timing knobs (createBaseMs, createMsPerVm): most tests are about other things and stay fast.
 */
export async function startTestSim(options: ImSimulatorOptions = {}): Promise<TestSim> {
  const running = await startImSimulator({ createBaseMs: 0, createMsPerVm: 0, ...options });
  const call = async (method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue> => {
    const { reply } = await rawCall(running.url, method, params);
    if (!reply.ok) throw new Error(`fault ${reply.faultCode}: ${reply.faultString}`);
    return reply.value;
  };
  const fault = async (method: string, ...params: XmlRpcValue[]): Promise<string> => {
    const { reply } = await rawCall(running.url, method, params);
    if (reply.ok) throw new Error(`expected a fault, got ${JSON.stringify(reply.value)}`);
    return reply.faultString;
  };
  return Object.assign(running, { call, fault });
}

/** ok unwraps IM's [true, value] envelope, failing the test on [false, msg]. */
export function ok(result: XmlRpcValue): XmlRpcValue {
  if (!Array.isArray(result) || result.length !== 2 || result[0] !== true) throw new Error(`expected [true, value], got ${JSON.stringify(result)}`);
  return result[1] ?? null;
}

/** createInfra creates an infrastructure and returns its id. */
export async function createInfra(sim: TestSim, radl = TRANSCRIPT_RADL, auth: XmlRpcValue = AUTH, asyncCall = false): Promise<string> {
  return String(ok(await sim.call('CreateInfrastructure', radl, auth, asyncCall)));
}

/** settled reports whether a promise has settled, after letting pending I/O callbacks run. */
export async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

/** vmStates reads GetInfrastructureState's vm_states. */
export async function vmStates(sim: TestSim, inf: string, auth: XmlRpcValue = AUTH): Promise<{ state: string; vm_states: Record<string, string> }> {
  return ok(await sim.call('GetInfrastructureState', inf, auth)) as { state: string; vm_states: Record<string, string> };
}

/** until polls a condition (usually of the in-process model) as a sync point while a call is in flight. */
export async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition never held');
}
