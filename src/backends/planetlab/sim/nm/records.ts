/**
 * Node Manager records (slivermanager.GetSlivers, planetlab.md §B6): how one sliver struct from
 * PLC (a poll's GetSlivers or a ticket) becomes a record of the NM database. Keys are joined with
 * newlines, attributes become a dict (the last value of a name wins), `type` is
 * `controller.Controller` for nm-controller slices and `sliver.LXC` otherwise, `delegations` is
 * the tag's value or `[]`, and `rspec` is the default allocation overlaid by tags, plus `tags`.
 * Keys starting with `_` are the NM's own (`_rspec`, `_loans`) and survive record updates.
 */
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../../../xmlrpc/value.js';

/** NmRecord is one entry of the NM database, as GetRecord returns it. */
export type NmRecord = XmlRpcStruct & {
  name: string;
  instantiation: string;
  type: string;
  timestamp: number;
  delegations: XmlRpcValue;
};

/** DEFAULT_ALLOCATION is the LXC Node Manager's default rspec (bandwidths in kbps, as Python 3 divides them). */
export const DEFAULT_ALLOCATION: Readonly<Record<string, number | string>> = {
  enabled: 1,
  cpu_pct: 0,
  cpu_share: 1,
  cpu_cores: '0b',
  net_min_rate: 0.008,
  net_max_rate: 1000000,
  net_share: 1,
  net_i2_min_rate: 0.008,
  net_i2_max_rate: 1000000,
  net_i2_share: 1,
  net_max_kbyte: 10546875,
  net_thresh_kbyte: 9492187,
  net_i2_max_kbyte: 31640625,
  net_i2_thresh_kbyte: 28476562,
  disk_max: 10000000,
  capabilities: '',
  ip_addresses: '0.0.0.0',
};

/** MINIMUM_ALLOCATION bounds loans; its keys are the loanable resources. */
export const MINIMUM_ALLOCATION: Readonly<Record<string, number>> = {
  cpu_pct: 0,
  cpu_share: 1,
  net_min_rate: 0,
  net_max_rate: 8,
  net_i2_min_rate: 0,
  net_i2_max_rate: 8,
  net_share: 1,
};

/** toRecord converts a sliver struct delivered with `timestamp`; `initscripts` maps names to code. */
export function toRecord(sliver: XmlRpcStruct, timestamp: number, initscripts: ReadonlyMap<string, string>): NmRecord {
  const attributes: Record<string, string> = {};
  for (const attr of (sliver.attributes as XmlRpcValue[] | undefined) ?? []) {
    if (isStruct(attr)) attributes[String(attr.tagname)] = String(attr.value);
  }
  const keys = ((sliver.keys as XmlRpcValue[] | undefined) ?? []).map((k) => (isStruct(k) ? String(k.key) : '')).join('\n');
  const instantiation = String(sliver.instantiation);
  const initscriptCode = attributes.initscript_code ?? '';
  const { attributes: _attributes, keys: _keys, ...rest } = sliver;
  return {
    ...rest,
    name: String(sliver.name),
    instantiation,
    timestamp: typeof sliver.timestamp === 'number' ? sliver.timestamp : timestamp,
    attributes,
    keys,
    type: attributes.type ?? (instantiation.toLowerCase() === 'nm-controller' ? 'controller.Controller' : 'sliver.LXC'),
    vref: attributes.vref ?? 'default',
    initscript: initscriptCode || (attributes.initscript !== undefined ? (initscripts.get(attributes.initscript) ?? '') : ''),
    delegations: attributes.delegations ?? [],
    rspec: rspecOf(attributes),
  };
}

function rspecOf(attributes: Record<string, string>): XmlRpcStruct {
  const rspec: XmlRpcStruct = {};
  for (const [name, fallback] of Object.entries(DEFAULT_ALLOCATION)) rspec[name] = convert(name, attributes[name], fallback);
  for (const [name, value] of Object.entries(attributes)) if (name.startsWith('sysctl.')) rspec[name] = value;
  rspec.tags = { ...attributes };
  return rspec;
}

/** FLOAT_RESOURCES are the defaults Python computes by division, so floats: tags convert with float(). */
const FLOAT_RESOURCES = new Set(['net_min_rate', 'net_max_rate', 'net_i2_min_rate', 'net_i2_max_rate']);

/** convert is Python's `type(default)(value)`, falling back to the default on ValueError. */
function convert(name: string, value: string | undefined, fallback: number | string): number | string {
  if (value === undefined) return fallback;
  if (typeof fallback === 'string') return value;
  const number = FLOAT_RESOURCES.has(name) ? parseFloatStrict(value) : parseIntStrict(value);
  return number ?? fallback;
}

function parseIntStrict(value: string): number | undefined {
  return /^\s*[+-]?\d+\s*$/.test(value) ? Number.parseInt(value, 10) : undefined;
}

function parseFloatStrict(value: string): number | undefined {
  const number = Number(value.trim());
  return value.trim() !== '' && Number.isFinite(number) ? number : undefined;
}
