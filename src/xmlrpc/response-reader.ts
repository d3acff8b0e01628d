/**
 * ResponseReader is the client's BodyReader (http-transport.ts): it decodes a methodResponse with
 * the streaming decoder while the body arrives, so no reply is held whole (docs/PERFORMANCE.md,
 * memory). Its result is codec.ts's DecodedResponse plus, for a fault whose faultCode is a name
 * rather than a number (fedd sends "Access Denied"), that name. A body that is not an XML-RPC
 * response fails as XMLRPC_BAD_RESPONSE (`<method>: unreadable reply: <why>`), as it did when the
 * whole body was decoded at once.
 */
import { ConvergeError } from '../errors/converge-error.js';
import { decodeDateTime } from './codec.js';
import type { BodyReader } from './reply-handler.js';
import { StreamingResponseDecoder } from './streaming-decoder.js';
import type { Projection } from './projection.js';
import type { XmlRpcValue } from './value.js';

export type ReadResponse = { ok: true; value: XmlRpcValue } | { ok: false; faultCode: number; faultString: string; faultName: string | undefined };

export class ResponseReader implements BodyReader<ReadResponse> {
  readonly #decoder: StreamingResponseDecoder;

  /** project: build only these members of the structs at its depth (projection.ts). */
  constructor(readonly method: string, project?: Projection) {
    this.#decoder = new StreamingResponseDecoder(decodeDateTime, project);
  }

  write(chunk: Buffer): void {
    try {
      this.#decoder.write(chunk);
    } catch (error) {
      throw this.#unreadable(error);
    }
  }

  end(): ReadResponse {
    let decoded: { fault: boolean; value: XmlRpcValue };
    try {
      decoded = this.#decoder.end();
    } catch (error) {
      throw this.#unreadable(error);
    }
    if (!decoded.fault) return { ok: true, value: decoded.value };
    const struct = (decoded.value ?? {}) as { faultCode?: XmlRpcValue; faultString?: XmlRpcValue };
    const faultCode = Number(struct.faultCode);
    const faultName = Number.isNaN(faultCode) && typeof struct.faultCode === 'string' ? struct.faultCode : undefined;
    return { ok: false, faultCode, faultString: String(struct.faultString ?? ''), faultName };
  }

  #unreadable(error: unknown): ConvergeError {
    return new ConvergeError('TERMINAL', 'XMLRPC_BAD_RESPONSE', `${this.method}: unreadable reply: ${(error as Error).message}`, { method: this.method });
  }
}
