/**
 * What state keeps for an experiment besides its ids (ObjectRecord.extra; no secret in it): the
 * allocation of each segment, the services each segment was started with (fedd does not report
 * them back), and the exchange values its access controllers set, so that a segment restarted
 * alone in a later run still finds its peers' outputs in the store.
 */
import type { ObjectRecord } from '../../../state/types.js';
import { isFedidHex } from '../wire/fedid.js';
import type { ServiceRequest } from '../topology/experiment-spec.js';

/** FeddExtra is the recorded shape; every part may be missing in older or partial records. */
export interface FeddExtra {
  /** allocations maps a testbed to its allocation's fedid (hex). */
  allocations: Record<string, string>;
  services: Record<string, ServiceRequest[]>;
  exchange: Record<string, string>;
}

/** ID_PREFIX names a segment's allocation among an object's ids: `allocation.<testbed>`. */
export const ID_PREFIX = 'allocation.';

/** readExtra reads a record's facts, tolerating missing or malformed parts; ids fill gaps. */
export function readExtra(record: Pick<ObjectRecord, 'extra' | 'ids'> | undefined): FeddExtra {
  const extra = record?.extra ?? {};
  const allocations: Record<string, string> = {};
  for (const [id, value] of Object.entries(record?.ids ?? {})) if (id.startsWith(ID_PREFIX) && isFedidHex(value)) allocations[id.slice(ID_PREFIX.length)] = value;
  for (const [testbed, value] of Object.entries(asRecord(extra.allocations))) if (isFedidHex(value)) allocations[testbed] = value;
  const services = asRecord(extra.services) as Record<string, ServiceRequest[]>;
  const exchange = Object.fromEntries(Object.entries(asRecord(extra.exchange)).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  return { allocations, services, exchange };
}

/** idsOf names each allocation as an id (`allocation.<testbed>`). */
export function idsOf(allocations: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(allocations).sort().map((t) => [`${ID_PREFIX}${t}`, allocations[t]!]));
}

/** toExtra renders facts for state, sorted for stable files. */
export function toExtra(extra: FeddExtra): Record<string, unknown> {
  const sorted = <T>(r: Record<string, T>): Record<string, T> => Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]!]));
  return { allocations: sorted(extra.allocations), services: sorted(extra.services), exchange: sorted(extra.exchange) };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
