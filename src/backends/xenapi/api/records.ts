/**
 * Typed views of the XenAPI records converge reads (xenapi.md §2), parsed at the edge from
 * `get_all_records` maps. Only the fields converge uses are kept. xapi sends ints as decimal
 * strings and null references as `OpaqueRef:NULL`.
 */
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../../xmlrpc/value.js';
import { badReply } from './errors.js';
import { own } from '../../../util/own-string.js';

export const NULL_REF = 'OpaqueRef:NULL';

export type PowerState = 'Halted' | 'Paused' | 'Running' | 'Suspended';

export interface XenVm {
  ref: string;
  uuid: string;
  nameLabel: string;
  powerState: PowerState;
  isTemplate: boolean;
  isSnapshot: boolean;
  isControlDomain: boolean;
  otherConfig: Record<string, string>;
  memory: { staticMin: number; staticMax: number; dynamicMin: number; dynamicMax: number };
  vcpusMax: number;
  vcpusAtStartup: number;
  vbds: string[];
  vifs: string[];
  busy: boolean;
  /** guestMetrics is the VM_guest_metrics ref (NULL_REF when no guest agent reports). */
  guestMetrics: string;
}

export interface XenVbd {
  ref: string;
  vm: string;
  vdi: string;
  userdevice: string;
  type: string;
  empty: boolean;
  attached: boolean;
  otherConfig: Record<string, string>;
}

export interface XenVdi {
  ref: string;
  uuid: string;
  sr: string;
  size: number;
  readOnly: boolean;
  sharable: boolean;
  vbds: string[];
  otherConfig: Record<string, string>;
}

export interface XenVif {
  ref: string;
  vm: string;
  network: string;
  device: string;
  attached: boolean;
}

export interface XenNetwork {
  ref: string;
  uuid: string;
  nameLabel: string;
  otherConfig: Record<string, string>;
  vifs: string[];
}

export interface XenSr {
  ref: string;
  uuid: string;
  nameLabel: string;
  contentType: string;
}

export interface XenTask {
  ref: string;
  nameLabel: string;
  status: 'pending' | 'success' | 'failure' | 'cancelling' | 'cancelled';
  progress: number;
  result: string;
  errorInfo: string[];
}

const str = (r: XmlRpcStruct, f: string): string => own(typeof r[f] === 'string' ? (r[f] as string) : String(r[f] ?? ''));
const num = (r: XmlRpcStruct, f: string): number => Number(r[f] ?? 0);
const list = (r: XmlRpcStruct, f: string): string[] => (Array.isArray(r[f]) ? (r[f] as XmlRpcValue[]).map((v) => own(String(v))) : []);
const map = (r: XmlRpcStruct, f: string): Record<string, string> => {
  const value = r[f];
  return isStruct(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, own(String(v))])) : {};
};

export function parseVm(ref: string, r: XmlRpcStruct): XenVm {
  return {
    ref,
    uuid: str(r, 'uuid'),
    nameLabel: str(r, 'name_label'),
    powerState: str(r, 'power_state') as PowerState,
    isTemplate: r.is_a_template === true,
    isSnapshot: r.is_a_snapshot === true,
    isControlDomain: r.is_control_domain === true,
    otherConfig: map(r, 'other_config'),
    memory: {
      staticMin: num(r, 'memory_static_min'),
      staticMax: num(r, 'memory_static_max'),
      dynamicMin: num(r, 'memory_dynamic_min'),
      dynamicMax: num(r, 'memory_dynamic_max'),
    },
    vcpusMax: num(r, 'VCPUs_max'),
    vcpusAtStartup: num(r, 'VCPUs_at_startup'),
    vbds: list(r, 'VBDs'),
    vifs: list(r, 'VIFs'),
    busy: Object.keys(map(r, 'current_operations')).length > 0,
    guestMetrics: typeof r.guest_metrics === 'string' ? own(r.guest_metrics) : NULL_REF,
  };
}

/** parseGuestNetworks reads VM_guest_metrics.networks (`<device>/ip`, `<device>/ipv4/0`, …). */
export function parseGuestNetworks(_ref: string, r: XmlRpcStruct): Record<string, string> {
  return map(r, 'networks');
}

export function parseVbd(ref: string, r: XmlRpcStruct): XenVbd {
  return {
    ref,
    vm: str(r, 'VM'),
    vdi: str(r, 'VDI'),
    userdevice: str(r, 'userdevice'),
    type: str(r, 'type'),
    empty: r.empty === true,
    attached: r.currently_attached === true,
    otherConfig: map(r, 'other_config'),
  };
}

export function parseVdi(ref: string, r: XmlRpcStruct): XenVdi {
  return {
    ref,
    uuid: str(r, 'uuid'),
    sr: str(r, 'SR'),
    size: num(r, 'virtual_size'),
    readOnly: r.read_only === true,
    sharable: r.sharable === true,
    vbds: list(r, 'VBDs'),
    otherConfig: map(r, 'other_config'),
  };
}

export function parseVif(ref: string, r: XmlRpcStruct): XenVif {
  return { ref, vm: str(r, 'VM'), network: str(r, 'network'), device: str(r, 'device'), attached: r.currently_attached === true };
}

export function parseNetwork(ref: string, r: XmlRpcStruct): XenNetwork {
  return { ref, uuid: str(r, 'uuid'), nameLabel: str(r, 'name_label'), otherConfig: map(r, 'other_config'), vifs: list(r, 'VIFs') };
}

export function parseSr(ref: string, r: XmlRpcStruct): XenSr {
  return { ref, uuid: str(r, 'uuid'), nameLabel: str(r, 'name_label'), contentType: str(r, 'content_type') };
}

export function parseTask(ref: string, r: XmlRpcStruct): XenTask {
  return {
    ref,
    nameLabel: str(r, 'name_label'),
    status: str(r, 'status') as XenTask['status'],
    progress: num(r, 'progress'),
    result: str(r, 'result'),
    errorInfo: list(r, 'error_info'),
  };
}

/** recordMap parses a `ref → record` map as get_all_records(_where) returns it. */
export function recordMap<T>(method: string, value: XmlRpcValue, parse: (ref: string, r: XmlRpcStruct) => T): Map<string, T> {
  if (!isStruct(value)) throw badReply(method, 'expected a map of records');
  const out = new Map<string, T>();
  for (const [ref, record] of Object.entries(value)) {
    if (!isStruct(record)) throw badReply(method, `record ${ref} is not a struct`);
    out.set(ref, parse(ref, record));
  }
  return out;
}

/**
 * taskResult reads a task's `result`: the XML-RPC serialisation of the return value as a string,
 * e.g. `<value>OpaqueRef:…</value>` (xenapi.md §5); XenServer 6.5 left it "". Only string results
 * (refs) are needed, so this is a small hand parser rather than a full decoder.
 */
export function taskResult(result: string): string {
  const match = /^\s*<value>(?:<string>)?([\s\S]*?)(?:<\/string>)?<\/value>\s*$/.exec(result);
  const text = match ? match[1]! : result;
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
