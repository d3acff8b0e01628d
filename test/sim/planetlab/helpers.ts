/**
 * Test helpers: a real PlanetLab simulator (PLC + Node Managers) on 127.0.0.1, port 0, a frozen
 * virtual clock, a fixed ticket key, and small XML-RPC callers over fetch and the project's
 * codec. `nm()` calls a node as the forwarder does (caller in the X-Converge-Nm-Caller header).
 */
import { decodeResponse, encodeCall, type DecodedResponse } from '../../../src/xmlrpc/codec.js';
import { SimClock } from '../../../src/xmlrpc/sim/clock.js';
import { SimKnobs } from '../../../src/xmlrpc/sim/knobs.js';
import type { XmlRpcStruct, XmlRpcValue } from '../../../src/xmlrpc/value.js';
import {
  NM_CALLER_HEADER,
  SEED_ACCOUNTS,
  startPlanetLabSimulator,
  type PlanetLabSimulatorOptions,
  type RunningPlanetLabSimulator,
} from '../../../src/backends/planetlab/sim/index.js';

export const HOUR = 3600;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;
export const START_MS = Date.UTC(2026, 11, 1, 12, 0, 0);
export const START = START_MS / 1000;

/** FrozenClock only moves when a test advances it. */
export class FrozenClock extends SimClock {
  override now(): number {
    return START_MS + this.offsetMs;
  }
}

export type Account = keyof typeof SEED_ACCOUNTS;

export function passwordAuth(account: Account): XmlRpcStruct {
  return { AuthMethod: 'password', Username: SEED_ACCOUNTS[account].email, AuthString: SEED_ACCOUNTS[account].password };
}

export const ADMIN = passwordAuth('admin');
export const PI = passwordAuth('pi');
export const USER = passwordAuth('user');
export const TECH = passwordAuth('tech');
export const OTHER_PI = passwordAuth('otherPi');

export interface Fault {
  code: number;
  text: string;
}

export async function post(url: string, method: string, params: XmlRpcValue[], headers: Record<string, string> = {}): Promise<DecodedResponse> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/xml', ...headers }, body: encodeCall(method, params) });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return decodeResponse(Buffer.from(await res.arrayBuffer()));
}

function valueOf(reply: DecodedResponse, method: string): XmlRpcValue {
  if (!reply.ok) throw new Error(`${method}: fault ${reply.faultCode}: ${reply.faultString}`);
  return reply.value;
}

function faultOf(reply: DecodedResponse, method: string): Fault {
  if (reply.ok) throw new Error(`expected a fault from ${method}, got ${JSON.stringify(reply.value)}`);
  return { code: reply.faultCode, text: reply.faultString };
}

export type TestPlanetLab = RunningPlanetLabSimulator & {
  clock: FrozenClock;
  /** plc calls PLC and returns the value (throws on a fault). */
  plc(method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue>;
  plcFault(method: string, ...params: XmlRpcValue[]): Promise<Fault>;
  /** nm calls node `index` (0-based) as `caller` (undefined: a plain TCP caller). */
  nm(index: number, caller: string | undefined, method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue>;
  nmFault(index: number, caller: string | undefined, method: string, ...params: XmlRpcValue[]): Promise<Fault>;
  advance(seconds: number): void;
  /** slice returns one slice's GetSlices row (as admin), or undefined. */
  slice(name: string): Promise<XmlRpcStruct | undefined>;
};

export async function startTestPlanetLab(options: PlanetLabSimulatorOptions = {}): Promise<TestPlanetLab> {
  const clock = new FrozenClock();
  const running = await startPlanetLabSimulator({ knobs: new SimKnobs({ clock }), ticketKey: Buffer.alloc(32, 7), ...options });
  const nmPost = (index: number, caller: string | undefined, method: string, params: XmlRpcValue[]): Promise<DecodedResponse> => {
    const node = running.nodes[index];
    if (!node) throw new Error(`no node ${index}`);
    return post(node.url, method, params, caller === undefined ? {} : { [NM_CALLER_HEADER]: caller });
  };
  const plc = async (method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue> => valueOf(await post(running.url, method, params), method);
  return Object.assign(running, {
    clock,
    plc,
    plcFault: async (method: string, ...params: XmlRpcValue[]) => faultOf(await post(running.url, method, params), method),
    nm: async (index: number, caller: string | undefined, method: string, ...params: XmlRpcValue[]) => valueOf(await nmPost(index, caller, method, params), method),
    nmFault: async (index: number, caller: string | undefined, method: string, ...params: XmlRpcValue[]) => faultOf(await nmPost(index, caller, method, params), method),
    advance: (seconds: number) => clock.advance(seconds * 1000),
    slice: async (name: string) => ((await plc('GetSlices', ADMIN, name)) as XmlRpcStruct[])[0],
  });
}

/** addSlice creates a slice as the princeton PI with a url and a description (renewable). */
export async function addSlice(pl: TestPlanetLab, name: string, fields: XmlRpcStruct = {}): Promise<number> {
  return Number(await pl.plc('AddSlice', PI, { name, url: 'http://example.org', description: 'a test slice', ...fields }));
}
