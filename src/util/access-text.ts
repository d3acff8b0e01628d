/**
 * How access facts read as text (`status`, `status -o wide`, `output`). Pure: facts in,
 * strings out. Each entry is one address: an IP (with its DNS name), a host:port or a host name.
 */
import type { AccessFacts } from '../backends/driver.js';

/** AccessEntry is one way to reach an object, with what it belongs to. */
export interface AccessEntry {
  of: string;
  address: string;
  /** note adds what else the backend said (a DNS name). */
  note?: string;
}

/** accessEntries flattens access facts: addresses, then endpoints, then node names. */
export function accessEntries(access: AccessFacts | undefined): AccessEntry[] {
  if (!access) return [];
  return [
    ...(access.addresses ?? []).map((a) => ({ of: a.of, address: a.ip, ...(a.dnsName ? { note: a.dnsName } : {}) })),
    ...(access.endpoints ?? []).map((e) => ({ of: e.of, address: `${e.host}:${e.port}` })),
    ...(access.nodes ?? []).map((n) => ({ of: n.of, address: n.hostname })),
  ];
}

/** compactAccess is the first address and how many more: `10.0.0.1 (+2 more)`; '' when none. */
export function compactAccess(access: AccessFacts | undefined): string {
  const entries = accessEntries(access);
  if (entries.length === 0) return '';
  const distinct = [...new Set(entries.map((e) => e.address))];
  return distinct.length === 1 ? distinct[0]! : `${distinct[0]} (+${distinct.length - 1} more)`;
}

/** wideAccess lists every distinct address, comma-separated. */
export function wideAccess(access: AccessFacts | undefined): string {
  return [...new Set(accessEntries(access).map((e) => e.address))].join(',');
}

/** accessLines renders one object's facts as aligned `of  address  note` lines. */
export function accessLines(access: AccessFacts | undefined, indent = '  '): string[] {
  const entries = accessEntries(access);
  const width = Math.max(0, ...entries.map((e) => e.of.length));
  return entries.map((e) => `${indent}${e.of.padEnd(width)}  ${e.address}${e.note ? `  ${e.note}` : ''}`);
}
