/**
 * XenSession is the one XenAPI session a driver holds (xenapi.md §1 "Session", §6):
 * - it logs in lazily with `session.login_with_password(user, password, "2.0", "converge")`,
 *   once for all concurrent callers;
 * - `HOST_IS_SLAVE [master]` at login moves the session to the master: same scheme and port,
 *   the master's address as host (a bare IPv6 address gets brackets);
 * - a call answered `SESSION_INVALID` logs in again and is repeated once; a second
 *   SESSION_INVALID is UNAUTHORIZED;
 * - `read` also retries TRANSIENT failures with capped backoff: for reads and for calls whose
 *   repetition is harmless. Other calls are made once; their callers decide.
 * Long polls (`event.from`) use their own connection pool (`channel: 'events'`) so they never
 * hold one of the sockets the apply calls share. Requests are never put into error messages, so
 * the password cannot leak through them. The session counts the calls it has on the calls
 * channel (`callsInFlight`, against `connections`) and says when one ends (`onCallEnded`), so
 * that calls nobody waits for can be held back while those on a VM's critical path need the
 * sockets (api/background-lane.ts).
 */
import { retryTransient } from '../../../engine/backoff.js';
import { ConvergeError } from '../../../errors/converge-error.js';
import { XmlRpcClient, type XmlRpcClientOptions } from '../../../xmlrpc/client.js';
import type { Projection } from '../../../xmlrpc/projection.js';
import { isStruct, type XmlRpcValue } from '../../../xmlrpc/value.js';
import type { XenCredentials } from './credentials.js';
import { badReply, isXenCode, XenFailure } from '../api/errors.js';

export interface XenSessionOptions {
  url: string;
  credentials: XenCredentials;
  client: Omit<XmlRpcClientOptions, 'url'>;
  onRetry?: (method: string, code: string, attempt: number, delayMs: number) => void;
}

export interface XenCallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  channel?: 'calls' | 'events';
  /** project: decode only these members of the reply's records (projection.ts). */
  project?: Projection;
}

const MAX_REDIRECTS = 3;

export class XenSession {
  readonly #options: XenSessionOptions;
  #url: URL;
  #calls: XmlRpcClient;
  #events: XmlRpcClient;
  #session: Promise<string> | undefined;
  #callsInFlight = 0;
  /** connections is how many calls the calls channel has in flight at most (limits.connections). */
  readonly connections: number;
  /** onCallEnded runs whenever a call on the calls channel has ended (answered or failed). */
  onCallEnded: (() => void) | undefined;

  constructor(options: XenSessionOptions) {
    this.#options = options;
    this.connections = options.client.maxSockets ?? 16;
    this.#url = new URL(options.url);
    [this.#calls, this.#events] = this.#clients(this.#url);
  }

  /** url is the endpoint in use: the configured one, or the pool master's after a redirect. */
  get url(): string {
    return this.#url.href;
  }

  /** callsInFlight: calls made on the calls channel that have not ended (waiting for a socket included). */
  get callsInFlight(): number {
    return this.#callsInFlight;
  }

  /** call makes one API call with the session (re-login once on SESSION_INVALID). */
  async call(method: string, params: XmlRpcValue[], options: XenCallOptions = {}): Promise<XmlRpcValue> {
    if (options.channel === 'events') return this.#call(method, params, options);
    this.#callsInFlight += 1; // counted at once (not after the login's await), so a free socket is seen taken
    try {
      return await this.#call(method, params, options);
    } finally {
      this.#callsInFlight -= 1;
      this.onCallEnded?.();
    }
  }

  async #call(method: string, params: XmlRpcValue[], options: XenCallOptions): Promise<XmlRpcValue> {
    for (let attempt = 0; ; attempt += 1) {
      const session = await this.#ensureSession();
      try {
        return await this.#raw(method, [session, ...params], options);
      } catch (error) {
        if (attempt > 0 || !isXenCode(error, 'SESSION_INVALID')) throw error;
        if (this.#session && (await this.#session.catch(() => '')) === session) this.#session = undefined;
      }
    }
  }

  /** read is `call` with TRANSIENT failures retried: only for calls that are safe to repeat. */
  read(method: string, params: XmlRpcValue[], options: XenCallOptions = {}): Promise<XmlRpcValue> {
    return retryTransient(() => this.call(method, params, options), {
      ...(options.signal ? { signal: options.signal } : {}),
      onRetry: (error, attempt, delayMs) => this.#options.onRetry?.(method, error.code, attempt, delayMs),
    });
  }

  /** logout ends the session (best effort) and closes the connections. */
  async logout(): Promise<void> {
    const pending = this.#session;
    this.#session = undefined;
    const session = pending ? await pending.catch(() => undefined) : undefined;
    if (session) await this.#raw('session.logout', [session], { timeoutMs: 5_000 }).catch(() => undefined);
    this.#calls.close();
    this.#events.close();
  }

  #ensureSession(): Promise<string> {
    this.#session ??= this.#login().catch((error: unknown) => {
      this.#session = undefined;
      throw error;
    });
    return this.#session;
  }

  async #login(): Promise<string> {
    const { username, password } = this.#options.credentials;
    for (let hop = 0; ; hop += 1) {
      try {
        const value = await retryTransient(() => this.#raw('session.login_with_password', [username, password, '2.0', 'converge'], {}), {
          onRetry: (error, attempt, delayMs) => this.#options.onRetry?.('session.login_with_password', error.code, attempt, delayMs),
        });
        if (typeof value !== 'string' || value === '') throw badReply('session.login_with_password', 'no session reference');
        return value;
      } catch (error) {
        const master = isXenCode(error, 'HOST_IS_SLAVE') ? error.params[0] : undefined;
        if (!master || hop >= MAX_REDIRECTS) throw error;
        this.#redirect(master);
      }
    }
  }

  #redirect(master: string): void {
    const next = new URL(this.#url.href);
    next.hostname = master.includes(':') && !master.startsWith('[') ? `[${master}]` : master;
    this.#calls.close();
    this.#events.close();
    this.#url = next;
    [this.#calls, this.#events] = this.#clients(next);
  }

  #clients(url: URL): [XmlRpcClient, XmlRpcClient] {
    const { callsPerSecond: _limit, ...unlimited } = this.#options.client;
    return [new XmlRpcClient({ ...this.#options.client, url: url.href }), new XmlRpcClient({ ...unlimited, url: url.href, maxSockets: 4 })];
  }

  /** #raw sends one request and unwraps xapi's Status/Value/ErrorDescription envelope. */
  async #raw(method: string, params: XmlRpcValue[], options: XenCallOptions): Promise<XmlRpcValue> {
    const client = options.channel === 'events' ? this.#events : this.#calls;
    const reply = await client.call(method, params, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.project ? { project: options.project } : {}),
    });
    if (!isStruct(reply) || typeof reply.Status !== 'string') throw badReply(method, 'the reply has no Status/Value envelope');
    if (reply.Status === 'Success') return reply.Value ?? '';
    if (reply.Status === 'Failure' && Array.isArray(reply.ErrorDescription)) throw new XenFailure(method, reply.ErrorDescription.map(String));
    throw new ConvergeError('TERMINAL', 'XEN_BAD_REPLY', `${method}: unexpected Status ${reply.Status}`, { method });
  }
}
