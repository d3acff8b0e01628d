/**
 * What every driver builds the same way from its Backend resource: the XML-RPC client (URL,
 * timeouts, concurrency as the socket pool, rate limit, TLS, call accounting) and the callback
 * that reports retried reads to the run's stats and progress output.
 */
import type { ErrorKind } from '../errors/converge-error.js';
import { XmlRpcClient, type XmlRpcClientOptions } from '../xmlrpc/client.js';
import type { DriverDeps } from './driver-deps.js';

/** clientForBackend builds the backend's client; `extra` adds a driver's own transport choices (IM: connectionPerCall). */
export function clientForBackend(deps: DriverDeps, classifyFault?: (faultCode: number, faultString: string) => ErrorKind, extra: Partial<XmlRpcClientOptions> = {}): XmlRpcClient {
  return new XmlRpcClient({ url: deps.url, ...clientOptionsForBackend(deps, classifyFault), ...extra });
}

/** clientOptionsForBackend are the client options without the URL (XenAPI follows a master). */
export function clientOptionsForBackend(deps: DriverDeps, classifyFault?: (faultCode: number, faultString: string) => ErrorKind): Omit<XmlRpcClientOptions, 'url'> {
  const spec = deps.backend.spec;
  return {
    timeoutMs: spec.timeouts.callMs,
    connectTimeoutMs: spec.timeouts.connectMs,
    maxSockets: spec.limits.connections,
    callsPerSecond: spec.limits.callsPerSecond,
    ...(spec.tls.caFile ? { caFile: spec.tls.caFile } : {}),
    insecureSkipVerify: spec.tls.insecureSkipVerify,
    ...(classifyFault ? { classifyFault } : {}),
    endpointLabel: `backend ${deps.backend.metadata.name}`,
    onCall: (event) => deps.stats.recordCall(event),
  };
}

/** retryReporter is the `onRetry` for typed API edges: counted in stats, shown as progress. */
export function retryReporter(deps: DriverDeps): (method: string, code: string, attempt: number, delayMs: number) => void {
  return (method, code, attempt, delayMs) => {
    deps.stats.recordRetry(method, code);
    deps.sink.emit({ type: 'retry', method, attempt, delayMs, code });
  };
}

/** endpointName names a backend's endpoint for messages: its URL, or the embedded simulator. */
export function endpointName(deps: DriverDeps): string {
  return deps.backend.spec.url === 'embedded' ? `the embedded ${deps.backend.spec.type} simulator` : deps.url;
}
