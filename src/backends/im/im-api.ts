/**
 * ImApi is the typed edge of the IM XML-RPC API: it adds the auth array to every call, unwraps
 * IM's `[ok, value]` envelope, checks result types, and retries *reads* on transient failures.
 * Mutating methods are never retried here (their outcome may be unknown); the converge loop
 * re-observes instead.
 */
import { ConvergeError } from '../../errors/converge-error.js';
import { retryTransient } from '../../engine/backoff.js';
import type { XmlRpcClient } from '../../xmlrpc/client.js';
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../xmlrpc/value.js';
import { imError } from './im-errors.js';
import { parseExport, type ExportedInfrastructure } from './im-export.js';

export interface ImInfrastructureState {
  state: string;
  vmStates: Record<string, string>;
}

export interface ImApiOptions {
  auth: () => XmlRpcStruct[];
  onRetry: (method: string, code: string, attempt: number, delayMs: number) => void;
  /** mutateTimeoutMs bounds mutating calls (a large synchronous create takes seconds). */
  mutateTimeoutMs: number;
}

export class ImApi {
  readonly #client: XmlRpcClient;
  readonly #auth: () => XmlRpcStruct[];
  readonly #onRetry: ImApiOptions['onRetry'];
  readonly #mutateTimeoutMs: number;

  constructor(client: XmlRpcClient, options: ImApiOptions) {
    this.#client = client;
    this.#auth = options.auth;
    this.#onRetry = options.onRetry;
    this.#mutateTimeoutMs = options.mutateTimeoutMs;
  }

  async list(filter: string, signal: AbortSignal): Promise<string[]> {
    return strings('GetInfrastructureList', await this.#read('GetInfrastructureList', [this.#auth(), filter], signal));
  }

  async state(inf: string, signal: AbortSignal): Promise<ImInfrastructureState> {
    const value = await this.#read('GetInfrastructureState', [inf, this.#auth()], signal);
    if (!isStruct(value) || typeof value.state !== 'string' || !isStruct(value.vm_states)) throw badType('GetInfrastructureState');
    const vmStates: Record<string, string> = {};
    for (const [vm, state] of Object.entries(value.vm_states)) vmStates[vm] = String(state);
    return { state: value.state, vmStates };
  }

  async radl(inf: string, signal: AbortSignal): Promise<string> {
    return text('GetInfrastructureRADL', await this.#read('GetInfrastructureRADL', [inf, this.#auth()], signal));
  }

  async vmInfo(inf: string, vm: string, signal: AbortSignal): Promise<string> {
    return text('GetVMInfo', await this.#read('GetVMInfo', [inf, vm, this.#auth()], signal));
  }

  /**
   * exportInfrastructure is ExportInfrastructure(inf, delete = false): IM's serialization of the
   * infrastructure, read-only with delete false, reduced to what observe needs (im-export.ts;
   * undefined when it is not IM's serialization). The text is parsed as soon as it is decoded
   * and is never the value of a promise (see #call: keeping replies off long-lived objects).
   */
  async exportInfrastructure(inf: string, signal: AbortSignal): Promise<ExportedInfrastructure | undefined> {
    return this.#read('ExportInfrastructure', [inf, false, this.#auth()], signal, (value) => parseExport(text('ExportInfrastructure', value)));
  }

  async contMsg(inf: string, signal: AbortSignal): Promise<string> {
    return text('GetInfrastructureContMsg', await this.#read('GetInfrastructureContMsg', [inf, this.#auth()], signal));
  }

  async create(radl: string, signal: AbortSignal): Promise<string> {
    return text('CreateInfrastructure', await this.#mutate('CreateInfrastructure', [radl, this.#auth()], signal));
  }

  async addResource(inf: string, radl: string, signal: AbortSignal): Promise<number[]> {
    const value = await this.#mutate('AddResource', [inf, radl, this.#auth()], signal);
    if (!Array.isArray(value)) throw badType('AddResource');
    return value.map(Number);
  }

  async removeResource(inf: string, vmIds: number[], signal: AbortSignal): Promise<number> {
    return Number(await this.#mutate('RemoveResource', [inf, vmIds.join(','), this.#auth()], signal));
  }

  async alterVm(inf: string, vm: string, radl: string, signal: AbortSignal): Promise<void> {
    await this.#mutate('AlterVM', [inf, vm, radl, this.#auth()], signal);
  }

  async reconfigure(inf: string, radl: string, signal: AbortSignal): Promise<void> {
    await this.#mutate('Reconfigure', [inf, radl, this.#auth()], signal);
  }

  async power(inf: string, action: 'StartInfrastructure' | 'StopInfrastructure', signal: AbortSignal): Promise<void> {
    await this.#mutate(action, [inf, this.#auth()], signal);
  }

  async destroy(inf: string, signal: AbortSignal): Promise<void> {
    await this.#mutate('DestroyInfrastructure', [inf, this.#auth()], signal);
  }

  /** #mutate is never retried here: its outcome may be unknown; the engine observes instead. */
  #mutate(method: string, params: XmlRpcValue[], signal: AbortSignal): Promise<XmlRpcValue> {
    return this.#call(method, params, signal, this.#mutateTimeoutMs) as Promise<XmlRpcValue>;
  }

  #read(method: string, params: XmlRpcValue[], signal: AbortSignal): Promise<XmlRpcValue>;
  #read<T>(method: string, params: XmlRpcValue[], signal: AbortSignal, take: (value: XmlRpcValue) => T): Promise<T>;
  #read(method: string, params: XmlRpcValue[], signal: AbortSignal, take?: (value: XmlRpcValue) => unknown): Promise<unknown> {
    return retryTransient(() => this.#call(method, params, signal, undefined, take), {
      signal,
      onRetry: (error, attempt, delayMs) => this.#onRetry(method, error.code, attempt, delayMs),
    });
  }

  /**
   * #call unwraps IM's envelope, and hands the value to `take` (if given) before anything else
   * awaits it. Memory contract: a reply's value must not stay reachable from the objects made
   * when the call was sent. Those (the transport's promises, the decoder's reply array) have
   * often been promoted to V8's old space while the call waited for the server; an old object,
   * even dead, keeps what it points to alive through every minor GC until the next full one, so
   * a 15 kB export pointed to from one was promoted too (half of them were, at 5,000
   * infrastructures: the largest part of a no-op pass's old-space growth). So the envelope array
   * is emptied once read, and a large value is reduced by `take` here, so that the promises
   * made before the wait are resolved with the reduced value only.
   */
  async #call(method: string, params: XmlRpcValue[], signal: AbortSignal, timeoutMs?: number, take?: (value: XmlRpcValue) => unknown): Promise<unknown> {
    const reply = await this.#client.call(method, params, { signal, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    if (!Array.isArray(reply) || reply.length !== 2 || typeof reply[0] !== 'boolean') throw badType(method);
    const [ok, value] = reply as [boolean, XmlRpcValue];
    reply.length = 0; // the array is ours alone (the client returns it to this caller only)
    if (!ok) throw imError(method, String(value));
    return take ? take(value) : value;
  }
}

function badType(method: string): ConvergeError {
  return new ConvergeError('TERMINAL', 'IM_BAD_REPLY', `${method}: the reply does not have IM's [ok, value] shape`, { method });
}

function text(method: string, value: XmlRpcValue): string {
  if (typeof value !== 'string') throw badType(method);
  return value;
}

function strings(method: string, value: XmlRpcValue): string[] {
  if (!Array.isArray(value)) throw badType(method);
  return value.map(String);
}
