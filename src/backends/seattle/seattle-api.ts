/**
 * SeattleApi is the typed edge of the Clearinghouse XML-RPC API (apis/seattle.md §4): it adds
 * the auth struct, maps fault codes to error kinds with stable codes, parses vessel records, and
 * retries reads on transient failures. Mutating calls are never retried here.
 *
 * | fault | meaning                         | kind / code                               |
 * |-------|---------------------------------|-------------------------------------------|
 * | 101   | authentication failed           | UNAUTHORIZED SEATTLE_AUTH                 |
 * | 102   | invalid request (stale handle…) | INVALID SEATTLE_INVALID_REQUEST           |
 * | 103   | not enough vessel credits       | INVALID SEATTLE_NOT_ENOUGH_CREDITS        |
 * | 105   | unable to acquire now           | TERMINAL SEATTLE_UNABLE_TO_ACQUIRE        |
 * | 100/1 | internal error / no such method | TERMINAL SEATTLE_INTERNAL                 |
 */
import { ConvergeError, type ErrorKind } from '../../errors/converge-error.js';
import { registerSecret } from '../../errors/redact.js';
import { retryTransient } from '../../engine/backoff.js';
import { XmlRpcFaultError, type XmlRpcClient } from '../../xmlrpc/client.js';
import { isStruct, type XmlRpcValue } from '../../xmlrpc/value.js';
import type { SeattleCredentials } from './seattle-credentials.js';
import { apiKeyFromDecrypted, seattleRsaDecrypt } from './seattle-rsa.js';

export type VesselType = 'lan' | 'wan' | 'nat' | 'random';
export const VESSEL_TYPES: readonly VesselType[] = ['lan', 'wan', 'nat', 'random'];

export interface VesselInfo {
  handle: string;
  nodeIp: string;
  nodePort: number;
  isActive: boolean;
  expiresInSeconds: number;
}

export interface AccountInfo {
  username: string;
  maxVessels: number;
}

export type OnRetry = (method: string, code: string, attempt: number, delayMs: number) => void;

const FAULTS: Record<number, [ErrorKind, string]> = {
  101: ['UNAUTHORIZED', 'SEATTLE_AUTH'],
  102: ['INVALID', 'SEATTLE_INVALID_REQUEST'],
  103: ['INVALID', 'SEATTLE_NOT_ENOUGH_CREDITS'],
  105: ['TERMINAL', 'SEATTLE_UNABLE_TO_ACQUIRE'],
};

export class SeattleApi {
  readonly #client: XmlRpcClient;
  readonly #credentials: SeattleCredentials;
  readonly #onRetry: OnRetry;
  #apiKey: Promise<string> | undefined;

  constructor(client: XmlRpcClient, credentials: SeattleCredentials, onRetry: OnRetry) {
    this.#client = client;
    this.#credentials = credentials;
    this.#onRetry = onRetry;
    this.#apiKey = 'apiKey' in credentials ? Promise.resolve(credentials.apiKey) : undefined;
  }

  get username(): string {
    return this.#credentials.username;
  }

  async resourceInfo(signal: AbortSignal): Promise<VesselInfo[]> {
    const value = await this.#read('get_resource_info', [], signal);
    if (!Array.isArray(value)) throw badReply('get_resource_info');
    return value.map((v) => parseVessel(v));
  }

  async accountInfo(signal: AbortSignal): Promise<AccountInfo> {
    const value = await this.#read('get_account_info', [], signal);
    if (!isStruct(value)) throw badReply('get_account_info');
    return { username: String(value.user_name ?? this.username), maxVessels: Number(value.max_vessels) };
  }

  async acquire(type: VesselType, count: number, signal: AbortSignal): Promise<VesselInfo[]> {
    const value = await this.#call('acquire_resources', [{ rspec_type: type, number_of_nodes: count }], signal);
    if (!Array.isArray(value)) throw badReply('acquire_resources');
    return value.map((v) => parseVessel(v));
  }

  async release(handles: string[], signal: AbortSignal): Promise<void> {
    await this.#call('release_resources', [handles], signal);
  }

  async renew(handles: string[], signal: AbortSignal): Promise<void> {
    await this.#call('renew_resources', [handles], signal);
  }

  #read(method: string, params: XmlRpcValue[], signal: AbortSignal): Promise<XmlRpcValue> {
    return retryTransient(() => this.#call(method, params, signal), {
      signal,
      onRetry: (error, attempt, delayMs) => this.#onRetry(method, error.code, attempt, delayMs),
    });
  }

  async #call(method: string, params: XmlRpcValue[], signal: AbortSignal): Promise<XmlRpcValue> {
    const auth = { username: this.username, api_key: await this.#key(signal) };
    try {
      return await this.#client.call(method, [auth, ...params], { signal });
    } catch (error) {
      throw mapFault(method, error);
    }
  }

  /**
   * #key returns the API key, fetching it with the private key once if that is what we have
   * (concurrent first calls share the one fetch; a failed fetch is tried again next time).
   */
  #key(signal: AbortSignal): Promise<string> {
    this.#apiKey ??= this.#fetchKey(signal).catch((error: unknown) => {
      this.#apiKey = undefined;
      throw error;
    });
    return this.#apiKey;
  }

  async #fetchKey(signal: AbortSignal): Promise<string> {
    const creds = this.#credentials as { username: string; privateKey: string };
    const encrypted = await retryTransient(() => this.#client.call('get_encrypted_api_key', [creds.username], { signal }), { signal }).catch((e: unknown) => {
      throw mapFault('get_encrypted_api_key', e);
    });
    const key = apiKeyFromDecrypted(seattleRsaDecrypt(String(encrypted), creds.privateKey));
    registerSecret(key);
    return key;
  }
}

function mapFault(method: string, error: unknown): unknown {
  if (!(error instanceof XmlRpcFaultError)) return error;
  const [kind, code] = FAULTS[error.faultCode] ?? ['TERMINAL', 'SEATTLE_INTERNAL'];
  return new ConvergeError(kind, code, `${method}: ${error.faultString}`, { method, faultCode: error.faultCode });
}

function parseVessel(value: XmlRpcValue): VesselInfo {
  if (!isStruct(value) || typeof value.handle !== 'string') throw badReply('vessel record');
  return {
    handle: value.handle,
    nodeIp: String(value.node_ip ?? ''),
    nodePort: Number(value.node_port ?? 0),
    isActive: value.is_active !== false,
    expiresInSeconds: Number(value.expires_in_seconds ?? 0),
  };
}

function badReply(what: string): ConvergeError {
  return new ConvergeError('TERMINAL', 'SEATTLE_BAD_REPLY', `${what}: unexpected reply shape`);
}
