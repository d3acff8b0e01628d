/**
 * parseListenAddress reads `--listen`: `HOST:PORT`, `[IPv6]:PORT` or a bare port (on
 * 127.0.0.1). The endpoints show what converge manages and the manifests' diagnostics, so they
 * stay on loopback unless the operator says otherwise explicitly (`--listen-any`).
 */
import { isIP } from 'node:net';
import { ConvergeError } from '../../errors/converge-error.js';
import { isLoopbackHost } from '../../util/loopback.js';

export interface ListenAddress {
  host: string;
  port: number;
}

export function parseListenAddress(value: string, allowAny: boolean): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value) ?? /^()()(\d+)$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port > 65535) {
    throw new ConvergeError('INVALID', 'USAGE', `--listen ${value}: expected HOST:PORT, [IPv6]:PORT or PORT`);
  }
  const host = match[1] || match[2] || (value.includes(':') ? '0.0.0.0' : '127.0.0.1');
  if (!allowAny && !isLoopbackHost(host)) {
    throw new ConvergeError('INVALID', 'USAGE', `--listen ${value}: ${host} is not a loopback address; add --listen-any to serve status and metrics beyond this machine`);
  }
  return { host, port };
}

/** urlOf formats a bound address for logs and links. */
export function urlOf(host: string, port: number): string {
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}
