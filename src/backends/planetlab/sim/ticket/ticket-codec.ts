/**
 * Slice tickets between the PLC simulator and the Node Manager simulators of one instance
 * (planetlab.md §B5). Real PLC signs the canonical XML of a methodResponse with `gpg --sign
 * --armor` (an ASCII-armored OpenPGP message, not detached) and the NM verifies it against the
 * PLC keyring. The simulator keeps the shape (an armored text wrapping that XML) but seals it
 * with HMAC-SHA256 under a key the PLC and its nodes share, so a client must treat the ticket as
 * an opaque blob, and a tampered copy fails verification on every node.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeDateTime, encodeResponse } from '../../../../xmlrpc/codec.js';
import { decodeMethodResponse } from '../../../../xmlrpc/fast-decoder.js';
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../../../xmlrpc/value.js';

const BEGIN = '-----BEGIN PGP MESSAGE-----';
const END = '-----END PGP MESSAGE-----';
const COMMENT = 'Comment: converge PlanetLab simulator ticket (HMAC-SHA256, not OpenPGP)';

/** signTicket wraps the payload's methodResponse XML and its seal in an armored text. */
export function signTicket(payload: XmlRpcStruct, key: Buffer): string {
  const xml = encodeResponse(payload);
  const body = Buffer.from(xml, 'utf8').toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  const seal = createHmac('sha256', key).update(xml, 'utf8').digest('base64');
  return `${BEGIN}\n${COMMENT}\n\n${body}\n=${seal}\n${END}\n`;
}

/**
 * verifyTicket returns the payload of a ticket sealed with `key`, or null when it is not one
 * (malformed, tampered, sealed by another instance): what the NM's gpg verification returns.
 */
export function verifyTicket(ticket: string | Buffer, key: Buffer): XmlRpcValue | null {
  const text = Buffer.isBuffer(ticket) ? ticket.toString('utf8') : ticket;
  const lines = text.trim().split('\n').map((l) => l.trim());
  if (lines[0] !== BEGIN || lines.at(-1) !== END) return null;
  const blank = lines.indexOf('');
  const sealLine = lines.at(-2) ?? '';
  if (blank < 0 || !sealLine.startsWith('=')) return null;
  const xml = Buffer.from(lines.slice(blank + 1, -2).join(''), 'base64').toString('utf8');
  const expected = createHmac('sha256', key).update(xml, 'utf8').digest();
  const actual = Buffer.from(sealLine.slice(1), 'base64');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  try {
    const decoded = decodeMethodResponse(xml, decodeDateTime);
    return decoded.fault ? null : decoded.value;
  } catch {
    return null;
  }
}

/** ticketSliverName reads the sliver name from a payload, for logs and tests. */
export function ticketSliverName(payload: XmlRpcValue | null): string | undefined {
  if (!isStruct(payload) || !Array.isArray(payload.slivers)) return undefined;
  const first = payload.slivers[0];
  return isStruct(first) ? String(first.name) : undefined;
}
