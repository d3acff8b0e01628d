/**
 * callOverPipe makes one XML-RPC call over a PipeRunner session, exactly as the Node Manager
 * API document's XmlRpcOverSsh does: the bare `<methodCall>` document (no HTTP) on stdin, stdin
 * closed, the bare `<methodResponse>` read from stdout. One call per session; there is no
 * multicall on the far side.
 *
 * Failures: ssh's own (exit 255) are classified by sshFailure; a `<fault>` becomes an
 * XmlRpcFaultError whose kind `classifyFault` decides (a forwarder's local failure is fault 1);
 * a session that ends without a methodResponse is TRANSIENT with an unknown outcome.
 */
import { ConvergeError, type ErrorKind } from '../../errors/converge-error.js';
import { XmlRpcFaultError, type CallEvent } from '../client.js';
import { decodeResponse, encodeCall } from '../codec.js';
import type { XmlRpcValue } from '../value.js';
import type { PipeRunner } from './pipe-runner.js';
import { sshFailure } from './ssh-errors.js';

export interface PipeCallOptions {
  login: string;
  host: string;
  timeoutMs: number;
  signal?: AbortSignal;
  classifyFault?: (faultCode: number, faultString: string) => ErrorKind;
  onCall?: (event: CallEvent) => void;
}

export async function callOverPipe(runner: PipeRunner, method: string, params: XmlRpcValue[], options: PipeCallOptions): Promise<XmlRpcValue> {
  const started = Date.now();
  const report = (outcome: CallEvent['outcome'], errorCode?: string): void =>
    options.onCall?.({ method, durationMs: Date.now() - started, outcome, ...(errorCode ? { errorCode } : {}) });
  try {
    const exchange = await runner({
      login: options.login,
      host: options.host,
      input: Buffer.from(encodeCall(method, params), 'utf8'),
      timeoutMs: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (exchange.exitCode === 255) throw sshFailure(options.login, options.host, exchange.stderr);
    const decoded = await decodeReply(method, options, exchange.stdout, exchange.exitCode);
    if (!decoded.ok) {
      const kind = options.classifyFault?.(decoded.faultCode, decoded.faultString) ?? 'TERMINAL';
      const fault = new XmlRpcFaultError(kind, method, decoded.faultCode, decoded.faultString);
      fault.details.host = options.host;
      throw fault;
    }
    report('ok');
    return decoded.value;
  } catch (error) {
    const code = error instanceof ConvergeError ? error.code : 'SSH_FAILED';
    report(error instanceof XmlRpcFaultError ? 'fault' : 'error', code);
    throw error;
  }
}

async function decodeReply(method: string, options: PipeCallOptions, stdout: Buffer, exitCode: number): ReturnType<typeof decodeResponse> {
  const where = `${method} via ssh ${options.login}@${options.host}`;
  if (!stdout.toString('utf8', 0, Math.min(stdout.length, 4096)).includes('<methodResponse')) {
    // Nothing came back: the call may or may not have run on the node.
    throw new ConvergeError('TRANSIENT', 'SSH_NO_REPLY', `${where}: the session ended (status ${exitCode}) without a reply`, { method, host: options.host });
  }
  try {
    return await decodeResponse(stdout);
  } catch (error) {
    throw new ConvergeError('TERMINAL', 'XMLRPC_BAD_RESPONSE', `${where}: unreadable reply: ${(error as Error).message}`, { method, host: options.host });
  }
}
