/**
 * NmClient calls a node's Node Manager API (planetlab.md §B) over ssh as an nm-controller
 * account: one methodCall per session (callOverPipe), at most `parallel` sessions at once across
 * all nodes, each bounded by the backend's call timeout. Faults become typed errors that name the
 * node (nm-errors.ts); ssh's own failures come from ssh-errors.ts.
 */
import { Semaphore } from '../../../engine/semaphore.js';
import { ConvergeError } from '../../../errors/converge-error.js';
import { XmlRpcFaultError, type CallEvent } from '../../../xmlrpc/client.js';
import { callOverPipe } from '../../../xmlrpc/ssh/xmlrpc-over-pipe.js';
import { isStruct, type XmlRpcValue } from '../../../xmlrpc/value.js';
import type { NodeShell } from './node-shell.js';
import { nmFaultError } from './nm-errors.js';

export interface NmClientOptions {
  timeoutMs: number;
  parallel: number;
  onCall: (event: CallEvent) => void;
}

/** NmTarget is a node and the account the session logs in as. */
export interface NmTarget {
  host: string;
  login: string;
}

export type NmMutation = 'Start' | 'Stop' | 'Destroy';

export class NmClient {
  readonly #shell: NodeShell;
  readonly #options: NmClientOptions;
  readonly #sessions: Semaphore;

  constructor(shell: NodeShell, options: NmClientOptions) {
    this.#shell = shell;
    this.#options = options;
    this.#sessions = new Semaphore(options.parallel);
  }

  /** xids is GetXIDs: the sliver accounts that exist on the node (name → uid). */
  async xids(target: NmTarget, signal: AbortSignal): Promise<Map<string, number>> {
    const value = await this.#call(target, 'GetXIDs', [], signal);
    if (!isStruct(value)) throw badReply('GetXIDs', target.host);
    return new Map(Object.entries(value).map(([name, uid]) => [name, Number(uid)]));
  }

  /** rspec is GetRSpec: it also proves the node knows the slice and its delegation to `login`. */
  async rspec(target: NmTarget, slice: string, signal: AbortSignal): Promise<void> {
    const value = await this.#call(target, 'GetRSpec', [slice], signal);
    if (!isStruct(value)) throw badReply('GetRSpec', target.host);
  }

  /** ticket redeems a GetSliceTicket ticket (opaque: a string or a Binary, sent back as it came). */
  async ticket(target: NmTarget, ticket: string | Buffer, signal: AbortSignal): Promise<void> {
    await this.#call(target, 'Ticket', [ticket], signal);
  }

  async act(target: NmTarget, method: NmMutation, slice: string, signal: AbortSignal): Promise<void> {
    await this.#call(target, method, [slice], signal);
  }

  async #call(target: NmTarget, method: string, params: XmlRpcValue[], signal: AbortSignal): Promise<XmlRpcValue> {
    const runner = await this.#shell.runner();
    return this.#sessions.run(async () => {
      try {
        return await callOverPipe(runner, method, params, {
          login: target.login,
          host: target.host,
          timeoutMs: this.#options.timeoutMs,
          signal,
          onCall: this.#options.onCall,
        });
      } catch (error) {
        if (error instanceof XmlRpcFaultError) throw nmFaultError(method, target.host, error.faultCode, error.faultString);
        throw error;
      }
    });
  }
}

function badReply(method: string, host: string): ConvergeError {
  return new ConvergeError('TERMINAL', 'NM_BAD_REPLY', `${method} on ${host}: the reply does not have the shape the NM API documents`, { method, host });
}
