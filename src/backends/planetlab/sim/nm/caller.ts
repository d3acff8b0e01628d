/**
 * Who calls a Node Manager simulator. The real NM reads the Unix socket's peer credentials; the
 * simulator's forwarder passes the ssh login name in a header instead, and a request without it
 * is a local TCP caller, which the kernel reports as the overflow uid: `nobody`.
 */

/** NM_CALLER_HEADER carries the ssh login name from the forwarder to the NM simulator. */
export const NM_CALLER_HEADER = 'x-converge-nm-caller';
/** ANONYMOUS_CALLER is who a plain TCP caller is. */
export const ANONYMOUS_CALLER = 'nobody';

/** callerOf reads the caller from a request's header value. */
export function callerOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && value.length > 0 ? value : ANONYMOUS_CALLER;
}
