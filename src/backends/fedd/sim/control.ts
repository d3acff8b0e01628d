/**
 * Test-only control methods of one testbed's endpoint, under `converge.sim.fedd.*` (never fedd
 * names; control calls are not delayed, fault-injected or logged). The generic
 * `converge.sim.*` methods (latency, injectFault with string codes such as "Federant Error",
 * advanceClock, callLog) are served next to them.
 *
 *   dump()                                  TestbedDump
 *   setPolicy({nodeQuota?, allowedImages?, allowedNodeTypes?, projects?, startMs?, inputTimeoutMs?, domain?})
 *   authorize(fedid) / revoke(fedid)        change the RequestAccess authorization list
 *   stickNextStart([times])                 the next StartSegment(s) stay `starting` until forced off
 *   failNextStart({nodes? | count?, code?}) the next StartSegment fails those nodes (partial failure)
 *   setNodeStatus(allocID, node, status)    drift after start: failed | inactive | active | missing
 *   restart([{forgetAllocations}])          restart this access controller after replying
 *   messages([sinceSeq])                    the message log (all testbeds)
 */
import type { MethodHandler } from '../../../xmlrpc/server.js';
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../../xmlrpc/value.js';
import type { StartFailurePlan } from './model/access-controller.js';
import type { NodeStatus, TestbedPolicy } from './model/types.js';
import { parseFedidText } from './pki/fedid.js';
import type { FeddSimulator } from './simulator.js';
import { isFeddErrorName } from './wire/fault-codes.js';

export const FEDD_CONTROL_PREFIX = 'converge.sim.fedd.';

/** ControlHooks are what the control surface needs from the server hosting the testbed. */
export interface ControlHooks {
  /** restart closes and reopens the testbed's endpoint; called after the control reply is sent. */
  restart(forgetAllocations: boolean): void;
}

const NODE_STATUSES = ['failed', 'inactive', 'active', 'missing'] as const;

export function feddControlHandlers(sim: FeddSimulator, testbed: string, hooks: ControlHooks): Map<string, MethodHandler> {
  const ac = sim.controller(testbed);
  const handlers: Record<string, (params: XmlRpcValue[]) => XmlRpcValue> = {
    dump: () => plain(sim.dump(testbed)),
    setPolicy: ([patch]) => plain(sim.setPolicy(testbed, policyPatch(struct(patch, 'policy')))),
    authorize: ([fedid]) => (sim.authorize(testbed, String(fedid)), true),
    revoke: ([fedid]) => (sim.revoke(testbed, String(fedid)), true),
    stickNextStart: ([times]) => (ac.stuckStarts += times === undefined ? 1 : Number(times)),
    failNextStart: ([plan]) => (ac.failurePlans.push(failurePlan(plan)), ac.failurePlans.length),
    setNodeStatus: ([allocId, node, status]) => {
      if (!NODE_STATUSES.includes(status as (typeof NODE_STATUSES)[number])) throw new Error(`status must be one of ${NODE_STATUSES.join(', ')}`);
      ac.setNodeStatus(parseFedidText(String(allocId)), String(node), status as NodeStatus | 'missing');
      return true;
    },
    restart: ([options]) => {
      const forget = isStruct(options) && options.forgetAllocations === true;
      setTimeout(() => hooks.restart(forget), 20);
      return true;
    },
    messages: ([since]) => plain(sim.messages.since(Number(since ?? 0))),
  };
  return new Map(Object.entries(handlers).map(([name, handler]) => [FEDD_CONTROL_PREFIX + name, handler]));
}

function struct(value: XmlRpcValue | undefined, what: string): XmlRpcStruct {
  if (!isStruct(value)) throw new Error(`${what} must be a struct`);
  return value;
}

function policyPatch(raw: XmlRpcStruct): Partial<TestbedPolicy> {
  const patch: Partial<TestbedPolicy> = {};
  const numbers = ['nodeQuota', 'startMs', 'inputTimeoutMs'] as const;
  const lists = ['projects', 'allowedImages', 'allowedNodeTypes'] as const;
  for (const key of numbers) if (raw[key] !== undefined) patch[key] = Number(raw[key]);
  for (const key of lists) if (Array.isArray(raw[key])) patch[key] = (raw[key] as XmlRpcValue[]).map(String);
  if (typeof raw.domain === 'string') patch.domain = raw.domain;
  return patch;
}

function failurePlan(raw: XmlRpcValue | undefined): StartFailurePlan {
  const plan: StartFailurePlan = {};
  if (!isStruct(raw)) return plan;
  if (Array.isArray(raw.nodes)) plan.nodes = raw.nodes.map(String);
  if (raw.count !== undefined) plan.count = Number(raw.count);
  if (raw.code !== undefined) {
    if (!isFeddErrorName(raw.code)) throw new Error(`code must be a fedd error name such as "Federant Error", got ${JSON.stringify(raw.code)}`);
    plan.code = raw.code;
  }
  return plan;
}

/** plain turns a model value into an XML-RPC value: undefined members are dropped, Buffers kept. */
function plain(value: unknown): XmlRpcValue {
  if (value === undefined || value === null) return '';
  if (Buffer.isBuffer(value) || value instanceof Date || typeof value !== 'object') return value as XmlRpcValue;
  if (Array.isArray(value)) return value.map(plain);
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]));
}
