/**
 * AccessApi is the typed edge of one testbed's access controller (apis/fedd.md §1.4): it wraps
 * bodies, presents converge's client certificate, maps faults to converge errors naming the
 * testbed, and retries reads (InfoSegment) on transient failures. Mutating calls are never
 * retried here: their outcome may be unknown, and the converge loop observes first.
 *
 * StartSegment blocks until the segment is up, and a segment waits for its peers' outputs, so
 * StartSegments of one experiment must all be in flight at once: they go through their own
 * agent without a socket limit, never queued behind each other in the connection pool.
 */
import { ConvergeError, isKind } from '../../../errors/converge-error.js';
import { retryTransient } from '../../../engine/backoff.js';
import { XmlRpcClient, XmlRpcFaultError, type XmlRpcClientOptions } from '../../../xmlrpc/client.js';
import type { XmlRpcStruct, XmlRpcValue } from '../../../xmlrpc/value.js';
import { allocIdStruct, fedAttrValue, readAllocId, unwrapResponse, wrapRequest } from './envelope.js';
import { FEDD_FAULTS, feddFaultName } from './fault-map.js';

/** AccessApiOptions: the client settings (certificate included) and the read-retry reporter. */
export interface AccessApiOptions {
  testbed: string;
  client: XmlRpcClientOptions;
  mutateTimeoutMs: number;
  onRetry: (method: string, code: string, attempt: number, delayMs: number) => void;
}

/** Granted is what RequestAccess answered. */
export interface Granted {
  allocId: string;
  services: XmlRpcStruct[];
}

/** SegmentInfo is what InfoSegment answered: the allocation's state and live topology, or that it is gone. */
export type SegmentInfo = { gone: false; status: string | undefined; topology: XmlRpcStruct | undefined } | { gone: true; evidence: string };

/** StartRequest is one StartSegment's content (the allocation aside). */
export interface StartRequest {
  topology: XmlRpcStruct;
  services: XmlRpcStruct[];
  connections: XmlRpcStruct[];
  fedAttr: XmlRpcStruct[];
}

/** NULL_ALLOCATION names no allocation: InfoSegment on it proves an access controller answers. */
const NULL_ALLOCATION = '0'.repeat(40);

/** AccessApi calls one testbed's access controller; see the file comment for its rules. */
export class AccessApi {
  readonly testbed: string;
  readonly url: string;
  readonly #client: XmlRpcClient;
  readonly #blocking: XmlRpcClient;
  readonly #options: AccessApiOptions;

  constructor(options: AccessApiOptions) {
    this.testbed = options.testbed;
    this.url = options.client.url;
    this.#options = options;
    this.#client = new XmlRpcClient(options.client);
    this.#blocking = new XmlRpcClient({ ...options.client, maxSockets: Infinity, timeoutMs: options.mutateTimeoutMs });
  }

  /** requestAccess asks for an allocation (mutating; never retried here). */
  async requestAccess(credentials: string[], services: XmlRpcStruct[], signal: AbortSignal): Promise<Granted> {
    const body: XmlRpcStruct = { ...(credentials.length > 0 ? { credential: credentials } : {}), ...(services.length > 0 ? { service: services } : {}) };
    const reply = await this.#call(this.#client, 'RequestAccess', body, signal);
    return { allocId: readAllocId('RequestAccess', reply), services: Array.isArray(reply.service) ? (reply.service as XmlRpcStruct[]) : [] };
  }

  /** startSegment starts the segment on an allocation; it answers once the segment is up. */
  async startSegment(allocId: string, request: StartRequest, signal: AbortSignal): Promise<string | undefined> {
    const body: XmlRpcStruct = {
      allocID: allocIdStruct(allocId),
      segmentdescription: { topdldescription: request.topology },
      ...(request.services.length > 0 ? { service: request.services } : {}),
      ...(request.connections.length > 0 ? { connection: request.connections } : {}),
      ...(request.fedAttr.length > 0 ? { fedAttr: request.fedAttr } : {}),
    };
    const reply = await this.#call(this.#blocking, 'StartSegment', body, signal);
    return typeof reply.allocationLog === 'string' ? reply.allocationLog : undefined;
  }

  /** terminateSegment answers `gone` when the allocation does not exist (fedd: Badly Formed Request). */
  async terminateSegment(allocId: string, force: boolean, signal: AbortSignal): Promise<'done' | 'gone'> {
    return this.#goneIsDone(() => this.#call(this.#client, 'TerminateSegment', { allocID: allocIdStruct(allocId), force }, signal, this.#options.mutateTimeoutMs));
  }

  /** releaseAccess answers `gone` when the allocation does not exist (released already). */
  async releaseAccess(allocId: string, signal: AbortSignal): Promise<'done' | 'gone'> {
    return this.#goneIsDone(() => this.#call(this.#client, 'ReleaseAccess', { allocID: allocIdStruct(allocId) }, signal, this.#options.mutateTimeoutMs));
  }

  /**
   * infoSegment reads an allocation. `Badly Formed Request` (no such allocation) is `gone`;
   * `Access Denied` (it exists but is not ours) throws UNAUTHORIZED; transient failures are retried.
   */
  async infoSegment(allocId: string, signal: AbortSignal): Promise<SegmentInfo> {
    try {
      const reply = await this.#read('InfoSegment', { allocID: allocIdStruct(allocId) }, signal);
      const description = reply.segmentdescription as XmlRpcStruct | undefined;
      const topology = description?.topdldescription as XmlRpcStruct | undefined;
      return { gone: false, status: fedAttrValue(reply.fedAttr, 'status'), topology };
    } catch (error) {
      if (isKind(error, 'INVALID') && error.code === 'FEDD_BAD_REQUEST') return { gone: true, evidence: `${this.testbed}: ${error.message}` };
      throw error;
    }
  }

  /** probe proves the access controller answers: InfoSegment of no allocation must say Badly Formed Request. */
  async probe(signal: AbortSignal): Promise<void> {
    const info = await this.infoSegment(NULL_ALLOCATION, signal);
    if (!info.gone) throw new ConvergeError('TERMINAL', 'FEDD_BAD_RESPONSE', `${this.testbed}: InfoSegment of the null allocation answered as if it existed`);
  }

  close(): void {
    this.#client.close();
    this.#blocking.close();
  }

  #read(op: string, body: XmlRpcStruct, signal: AbortSignal): Promise<XmlRpcStruct> {
    return retryTransient(() => this.#call(this.#client, op, body, signal), {
      signal,
      onRetry: (error, attempt, delayMs) => this.#options.onRetry(op, error.code, attempt, delayMs),
    });
  }

  async #goneIsDone(call: () => Promise<XmlRpcStruct>): Promise<'done' | 'gone'> {
    try {
      await call();
      return 'done';
    } catch (error) {
      if (isKind(error, 'INVALID') && error.code === 'FEDD_BAD_REQUEST') return 'gone';
      throw error;
    }
  }

  async #call(client: XmlRpcClient, op: string, body: XmlRpcStruct, signal: AbortSignal, timeoutMs?: number): Promise<XmlRpcStruct> {
    let value: XmlRpcValue;
    try {
      value = await client.call(op, wrapRequest(op, body), { signal, ...(timeoutMs ? { timeoutMs } : {}) });
    } catch (error) {
      throw this.#mapError(op, error);
    }
    return unwrapResponse(op, value);
  }

  #mapError(op: string, error: unknown): unknown {
    if (!(error instanceof XmlRpcFaultError)) {
      if (error instanceof ConvergeError) error.details.testbed = this.testbed;
      return error;
    }
    const name = feddFaultName(error.faultCode, error.faultName);
    const mapped = name ? FEDD_FAULTS[name] : { kind: error.kind, code: 'FEDD_UNKNOWN_METHOD' };
    const what = name ?? `fault ${error.faultCode}`;
    return new ConvergeError(mapped.kind, mapped.code, `${op} on testbed ${this.testbed}: ${what}: ${error.faultString}`, { method: op, testbed: this.testbed, fault: what });
  }
}
