/**
 * Connection parameters of a StartSegment (fedd.md §4.5, §6.4): for each `connection[].parameter`
 * an `output` is published with SetValue(key, value) on its `store` as soon as the segment knows
 * it, and an `input` is read with a blocking GetValue(key, wait=true) as late as possible. An
 * input that does not arrive within the testbed's input timeout (virtual time) fails the segment
 * with `Federant Error`; so does a store that refuses a call. A store that cannot be reached is
 * retried until the same timeout. This is the rendezvous that makes segments of one experiment
 * start only when they are started concurrently.
 */
import type { SimClock } from '../../../../xmlrpc/sim/clock.js';
import type { XmlRpcStruct } from '../../../../xmlrpc/value.js';
import type { Identity } from '../pki/certificates.js';
import { badRequest, federantError } from '../wire/fault-codes.js';
import { structs } from '../model/topology.js';
import type { ExchangedValue } from '../model/types.js';
import { beforeDeadline, DeadlineError, waitUntil } from './clock-wait.js';
import { callStore, type StoreReply } from './store-client.js';

/** ParameterPlan is one connection parameter to exchange. */
export interface ParameterPlan {
  name: string;
  key: string;
  store: string;
  type: 'input' | 'output';
  /** element is the connection's portal, when it names a Computer of this segment. */
  element?: string;
}

/** ExchangeContext is what an exchange runs with. */
export interface ExchangeContext {
  clock: SimClock;
  /** signal aborts the exchange (forced termination, release, restart). */
  signal: AbortSignal;
  /** identity is the allocation's certificate and key, presented to the store. */
  identity: Identity;
  timeoutMs: number;
  /** record logs each call made to a store with its reply. */
  record(op: 'SetValue' | 'GetValue', url: string, request: XmlRpcStruct, reply: StoreReply): void;
}

const RETRY_MS = 500;

/** planParameters lists the parameters of the request's connections; a store that is not a URL is a bad request. */
export function planParameters(connections: XmlRpcStruct[], elementNames: Set<string>): ParameterPlan[] {
  return connections.flatMap((connection) => {
    const portal = typeof connection.portal === 'string' && elementNames.has(connection.portal) ? connection.portal : undefined;
    return structs(connection.parameter).map((p) => {
      const store = storeUrl(String(p.store), String(p.name));
      return { name: String(p.name), key: String(p.key), store, type: p.type === 'input' ? 'input' : 'output', ...(portal ? { element: portal } : {}) };
    });
  });
}

function storeUrl(store: string, name: string): string {
  const text = /^[a-z]+:\/\//i.test(store) ? store : `https://${store}`;
  try {
    const url = new URL(text);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
  } catch {
    // reported below
  }
  throw badRequest(`connection parameter ${name}: store ${JSON.stringify(store)} is not a URL`);
}

/** exportOutputs sets every output parameter, in order, and returns what it set. */
export async function exportOutputs(plan: ParameterPlan[], valueOf: (p: ParameterPlan) => string, ctx: ExchangeContext): Promise<ExchangedValue[]> {
  const done: ExchangedValue[] = [];
  for (const p of plan.filter((x) => x.type === 'output')) {
    const value = valueOf(p);
    const deadline = ctx.clock.now() + ctx.timeoutMs;
    await callUntil(ctx, 'SetValue', p, { name: p.key, value }, deadline, () => true);
    done.push(exchanged(p, value));
  }
  return done;
}

/** importInputs waits for every input parameter at once and returns what arrived. */
export async function importInputs(plan: ParameterPlan[], ctx: ExchangeContext): Promise<ExchangedValue[]> {
  const deadline = ctx.clock.now() + ctx.timeoutMs;
  return Promise.all(
    plan
      .filter((p) => p.type === 'input')
      .map(async (p) => {
        const body = await callUntil(ctx, 'GetValue', p, { name: p.key, wait: true }, deadline, (reply) => typeof reply.value === 'string');
        return exchanged(p, String(body.value));
      }),
  );
}

function exchanged(p: ParameterPlan, value: string): ExchangedValue {
  return { name: p.name, key: p.key, store: p.store, value, ...(p.element ? { element: p.element } : {}) };
}

/** callUntil repeats a store call until `accept` likes the reply, the store faults, or the deadline passes. */
async function callUntil(
  ctx: ExchangeContext,
  op: 'SetValue' | 'GetValue',
  p: ParameterPlan,
  request: XmlRpcStruct,
  deadline: number,
  accept: (body: XmlRpcStruct) => boolean,
): Promise<XmlRpcStruct> {
  let last = 'no answer yet';
  const what = `${p.type} parameter ${p.name} (key ${p.key}) at ${p.store}`;
  try {
    for (;;) {
      const reply = await beforeDeadline(ctx.clock, deadline, ctx.signal, (signal) =>
        callStore({ url: p.store, op, body: request, identity: ctx.identity, signal }),
      );
      ctx.record(op, p.store, request, reply);
      if (reply.kind === 'fault') throw federantError(`${op} for ${what} failed: ${String(reply.code)}: ${reply.text}`);
      if (reply.kind === 'ok' && accept(reply.body)) return reply.body;
      last = reply.kind === 'transport' ? reply.message : `${op} answered without a value`;
      await beforeDeadline(ctx.clock, deadline, ctx.signal, (signal) => waitUntil(ctx.clock, ctx.clock.now() + RETRY_MS, signal));
    }
  } catch (error) {
    if (error instanceof DeadlineError) throw federantError(`timed out after ${ctx.timeoutMs / 1000} s waiting for ${what}; last error: ${last}`);
    throw error;
  }
}
