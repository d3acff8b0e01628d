/**
 * Test helpers: a real Seattle Clearinghouse simulator on 127.0.0.1 (port 0), a tiny XML-RPC
 * client on the project's codec and Node's fetch, and a frozen virtual clock so that
 * `expires_in_seconds` is exact.
 */
import { encodeCall, decodeResponse, type DecodedResponse } from '../../../src/xmlrpc/codec.js';
import type { XmlRpcStruct, XmlRpcValue } from '../../../src/xmlrpc/value.js';
import { SimClock } from '../../../src/xmlrpc/sim/clock.js';
import { SimKnobs } from '../../../src/xmlrpc/sim/knobs.js';
import { DEFAULT_ACCOUNT, startSeattleSimulator, type SeattleSimulatorOptions } from '../../../src/backends/seattle/sim/index.js';

export const AUTH = { username: DEFAULT_ACCOUNT.username, api_key: DEFAULT_ACCOUNT.apiKey };
export const HOUR = 3600;
export const DAY = 24 * HOUR;

/** FrozenClock only moves when a test advances it. */
export class FrozenClock extends SimClock {
  readonly #start: number;

  constructor(start = Date.UTC(2024, 0, 1)) {
    super();
    this.#start = start;
  }

  override now(): number {
    return this.#start + this.offsetMs;
  }
}

export async function rawCall(url: string, method: string, params: XmlRpcValue[]): Promise<DecodedResponse> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: encodeCall(method, params) });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return decodeResponse(Buffer.from(await res.arrayBuffer()));
}

export type TestSim = Awaited<ReturnType<typeof startSeattleSimulator>> & {
  clock: FrozenClock;
  /** call returns the value, or throws on a fault. */
  call(method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue>;
  /** fault returns `{code, text}` of a call that must fault. */
  fault(method: string, ...params: XmlRpcValue[]): Promise<{ code: number; text: string }>;
  /** acquire acquires with alice's auth and returns the infodicts. */
  acquire(type: string, count: number): Promise<XmlRpcStruct[]>;
  /** resources is alice's get_resource_info. */
  resources(): Promise<XmlRpcStruct[]>;
  advance(seconds: number): void;
};

export async function startTestSim(options: SeattleSimulatorOptions = {}): Promise<TestSim> {
  const clock = new FrozenClock();
  const running = await startSeattleSimulator({ knobs: new SimKnobs({ clock }), backendDelayMs: 5000, ...options });
  const call = async (method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue> => {
    const reply = await rawCall(running.url, method, params);
    if (!reply.ok) throw new Error(`fault ${reply.faultCode}: ${reply.faultString}`);
    return reply.value;
  };
  const fault = async (method: string, ...params: XmlRpcValue[]): Promise<{ code: number; text: string }> => {
    const reply = await rawCall(running.url, method, params);
    if (reply.ok) throw new Error(`expected a fault from ${method}, got ${JSON.stringify(reply.value)}`);
    return { code: reply.faultCode, text: reply.faultString };
  };
  return Object.assign(running, {
    clock: running.sim.knobs.clock as FrozenClock,
    call,
    fault,
    acquire: async (type: string, count: number) => (await call('acquire_resources', AUTH, { rspec_type: type, number_of_nodes: count })) as XmlRpcStruct[],
    resources: async () => (await call('get_resource_info', AUTH)) as XmlRpcStruct[],
    advance: (seconds: number) => running.sim.knobs.clock.advance(seconds * 1000),
  });
}

export function handlesOf(infos: XmlRpcStruct[]): string[] {
  return infos.map((i) => String(i.handle));
}

export function subnetOf(ip: XmlRpcValue | undefined): string {
  return String(ip).split('.').slice(0, 3).join('.');
}
