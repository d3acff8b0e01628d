/**
 * PlcApi is the typed edge of the PLC API: it puts the session's auth struct in front of every
 * call, turns faults into typed errors (plc-errors.ts), renews the session once on a 103, and
 * retries reads on transient failures. Mutating calls are never retried here (their outcome may
 * be unknown; the engine observes instead); a 103 is safe to retry because PLC authenticates
 * before it does anything.
 *
 * `batch` sends several reads as one system.multicall (planetlab.md §A1): one round trip, one
 * entry per call, each a value or its own fault.
 */
import { ConvergeError } from '../../../errors/converge-error.js';
import { retryTransient } from '../../../engine/backoff.js';
import { XmlRpcFaultError, type XmlRpcClient } from '../../../xmlrpc/client.js';
import { isStruct, type XmlRpcValue } from '../../../xmlrpc/value.js';
import { isAuthFault, plcFaultError } from './plc-errors.js';
import type { PlcSession, RetryReporter } from './plc-session.js';

/** PlcCall is one call of a batch; `params` come after the auth struct. */
export interface PlcCall {
  method: string;
  params: XmlRpcValue[];
}

/** PlcResult is one entry of a batch: the value, or the typed error of its fault. */
export type PlcResult = { ok: true; value: XmlRpcValue } | { ok: false; error: ConvergeError };

export class PlcApi {
  readonly #client: XmlRpcClient;
  readonly #session: PlcSession;
  readonly #onRetry: RetryReporter;
  readonly #mutateTimeoutMs: number;

  constructor(client: XmlRpcClient, session: PlcSession, options: { onRetry: RetryReporter; mutateTimeoutMs: number }) {
    this.#client = client;
    this.#session = session;
    this.#onRetry = options.onRetry;
    this.#mutateTimeoutMs = options.mutateTimeoutMs;
  }

  get username(): string {
    return this.#session.username;
  }

  /** read makes one read call (retried on transient failures). */
  read(method: string, params: XmlRpcValue[], signal: AbortSignal): Promise<XmlRpcValue> {
    return this.#retried(method, () => this.#authenticated(method, params, signal), signal);
  }

  /** batch runs reads as one system.multicall; a fault in one entry does not fail the others. */
  async batch(calls: readonly PlcCall[], signal: AbortSignal): Promise<PlcResult[]> {
    if (calls.length === 0) return [];
    return this.#retried('system.multicall', async () => {
      const first = await this.#multicall(calls, signal);
      if (!first.results.some((r) => !r.ok && isAuthFault(r.error))) return first.results;
      this.#session.renew(first.auth, signal);
      return (await this.#multicall(calls, signal)).results;
    }, signal);
  }

  /** mutate makes one mutating call: never retried, except after a 103 (nothing happened then). */
  mutate(method: string, params: XmlRpcValue[], signal: AbortSignal): Promise<XmlRpcValue> {
    return this.#authenticated(method, params, signal, this.#mutateTimeoutMs);
  }

  async #authenticated(method: string, params: XmlRpcValue[], signal: AbortSignal, timeoutMs?: number): Promise<XmlRpcValue> {
    const auth = await this.#session.auth(signal);
    try {
      return await this.#call(method, [auth, ...params], signal, timeoutMs);
    } catch (error) {
      if (!isAuthFault(error)) throw error;
      this.#session.renew(auth, signal);
      return this.#call(method, [await this.#session.auth(signal), ...params], signal, timeoutMs);
    }
  }

  async #multicall(calls: readonly PlcCall[], signal: AbortSignal): Promise<{ auth: Awaited<ReturnType<PlcSession['auth']>>; results: PlcResult[] }> {
    const auth = await this.#session.auth(signal);
    const reply = await this.#call('system.multicall', [calls.map((c) => ({ methodName: c.method, params: [auth, ...c.params] }))], signal);
    if (!Array.isArray(reply) || reply.length !== calls.length) throw badReply('system.multicall');
    const results = reply.map((entry, i): PlcResult => {
      const method = calls[i]!.method;
      if (Array.isArray(entry) && entry.length === 1) return { ok: true, value: entry[0] as XmlRpcValue };
      if (isStruct(entry) && 'faultCode' in entry) return { ok: false, error: plcFaultError(method, { faultCode: Number(entry.faultCode), faultString: String(entry.faultString ?? '') }) };
      return { ok: false, error: badReply(method) };
    });
    return { auth, results };
  }

  async #call(method: string, params: XmlRpcValue[], signal: AbortSignal, timeoutMs?: number): Promise<XmlRpcValue> {
    try {
      return await this.#client.call(method, params, { signal, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    } catch (error) {
      if (error instanceof XmlRpcFaultError) throw plcFaultError(method, error);
      throw error;
    }
  }

  #retried<T>(method: string, call: () => Promise<T>, signal: AbortSignal): Promise<T> {
    return retryTransient(call, { signal, onRetry: (error, attempt, delayMs) => this.#onRetry(method, error.code, attempt, delayMs) });
  }
}

function badReply(method: string): ConvergeError {
  return new ConvergeError('TERMINAL', 'PLC_BAD_REPLY', `${method}: the reply does not have the shape PLC documents`, { method });
}
