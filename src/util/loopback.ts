/**
 * isLoopbackHost tells whether a URL's host names this machine: `localhost` (and `*.localhost`),
 * 127.0.0.0/8, ::1, or an IPv4-mapped 127.x address (brackets of a URL's IPv6 host allowed).
 * XmlRpcClient does not ask such endpoints for gzip (compressing over loopback costs CPU on both
 * sides and saves no time); `watch --listen` refuses any other address without `--listen-any`.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = (hostname.startsWith('[') ? hostname.slice(1, -1) : hostname).toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
