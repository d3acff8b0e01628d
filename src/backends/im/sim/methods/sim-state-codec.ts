/**
 * The `sim_state` member of the simulator's ExportInfrastructure: the simulator's own record of
 * the infrastructure, which only its ImportInfrastructure reads (IM has no such member; its
 * import rebuilds from IM's own members). It is sent as base64 of its gzipped JSON text: one
 * plain string without escapes, about a sixth of the JSON text's bytes. Observe exports every
 * infrastructure on every pass, and this member was 73 % of each export's bytes: bytes the
 * simulator printed, XML-escaped and wrote, and every client read, decoded and skipped, although
 * a real IM never sends them. Only the simulator's extra member shrinks: IM's own members are
 * printed as before, so a client's work per export stays at least what a real IM's costs.
 *
 * Contract: `decodeSimState(encodeSimState(json))` is `JSON.parse(json)`; `decodeSimState` also
 * reads the forms older exports carry (the record as an object, or as a JSON text); anything
 * else gives undefined.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

/** encodeSimState: the record's JSON text as sent in `sim_state` (base64 of its gzip, level 1). */
export function encodeSimState(json: string): string {
  return gzipSync(json, { level: 1 }).toString('base64');
}

/** decodeSimState: the record a `sim_state` member carries, in any form an export has had; undefined when unreadable. */
export function decodeSimState(member: unknown): unknown {
  if (typeof member !== 'string') return member ?? undefined; // the record itself (older exports)
  if (member.startsWith('{')) return JSON.parse(member) as unknown; // a JSON text (older exports)
  try {
    return JSON.parse(gunzipSync(Buffer.from(member, 'base64')).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
