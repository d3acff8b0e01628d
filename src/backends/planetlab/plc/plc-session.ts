/**
 * PlcSession trades the account's password for a PLC session key once (GetSession with password
 * auth, planetlab.md §A3) and hands every other call `{AuthMethod: 'session', session: key}`.
 * A 103 on a session call means the key expired (24 h) or was dropped: `renew` forgets it, the
 * next call gets a fresh one. Concurrent first calls share one GetSession. `close` logs out
 * (DeleteSession), best effort: an abandoned session only expires.
 */
import { ConvergeError } from '../../../errors/converge-error.js';
import { registerSecret } from '../../../errors/redact.js';
import { retryTransient } from '../../../engine/backoff.js';
import { XmlRpcFaultError, type XmlRpcClient } from '../../../xmlrpc/client.js';
import type { XmlRpcStruct } from '../../../xmlrpc/value.js';
import type { PlcCredentials } from './plc-credentials.js';
import { plcFaultError } from './plc-errors.js';

export type RetryReporter = (method: string, code: string, attempt: number, delayMs: number) => void;

export class PlcSession {
  readonly username: string;
  readonly #client: XmlRpcClient;
  readonly #credentials: PlcCredentials;
  readonly #onRetry: RetryReporter;
  #key: Promise<string> | undefined;

  constructor(client: XmlRpcClient, credentials: PlcCredentials, onRetry: RetryReporter) {
    this.#client = client;
    this.#credentials = credentials;
    this.#onRetry = onRetry;
    this.username = credentials.username;
  }

  /** auth is the auth struct of the current session, logging in first if needed. */
  async auth(signal: AbortSignal): Promise<XmlRpcStruct> {
    this.#key ??= this.#login(signal);
    const pending = this.#key;
    try {
      return { AuthMethod: 'session', session: await pending };
    } catch (error) {
      if (this.#key === pending) this.#key = undefined;
      throw error;
    }
  }

  /**
   * renew replaces the session `auth` carried (PLC answered it with 103). Only that session is
   * dropped: a concurrent call may already have renewed it, and its new key is kept.
   */
  renew(auth: XmlRpcStruct, signal: AbortSignal): void {
    const current = this.#key;
    if (!current) return;
    this.#key = current.then(
      (key) => (key === auth.session ? this.#login(signal) : key),
      () => this.#login(signal),
    );
  }

  async close(): Promise<void> {
    const pending = this.#key;
    this.#key = undefined;
    if (!pending) return;
    try {
      const key = await pending;
      await this.#client.call('DeleteSession', [{ AuthMethod: 'session', session: key }], { timeoutMs: 5_000 });
    } catch {
      // Logging out is a courtesy: the session expires by itself within 24 hours.
    }
  }

  async #login(signal: AbortSignal): Promise<string> {
    const password = { AuthMethod: 'password', Username: this.#credentials.username, AuthString: this.#credentials.password };
    try {
      const key = await retryTransient(() => this.#client.call('GetSession', [password], { signal }), {
        signal,
        onRetry: (error, attempt, delayMs) => this.#onRetry('GetSession', error.code, attempt, delayMs),
      });
      if (typeof key !== 'string' || key === '') throw new ConvergeError('TERMINAL', 'PLC_BAD_REPLY', 'GetSession: the reply is not a session key');
      registerSecret(key);
      return key;
    } catch (error) {
      if (!(error instanceof XmlRpcFaultError)) throw error;
      const mapped = plcFaultError('GetSession', error);
      if (mapped.code !== 'PLC_AUTH') throw mapped;
      throw new ConvergeError('UNAUTHORIZED', 'PLC_LOGIN_REFUSED', `PLC refused the password of ${JSON.stringify(this.username)}: ${error.faultString}`, { faultCode: error.faultCode });
    }
  }
}
