/**
 * The state of the simulated access controllers, as persisted (JSON). Allocations are named by
 * their fedid in hex; the key pairs behind them live in the PKI directory, never here.
 */

/** SegmentStatus is an allocation's segment: `empty` (allocated, no resources), then a start's course. */
export type SegmentStatus = 'empty' | 'starting' | 'active' | 'failed';

/** NodeStatus is a topdl `statusType` value a Computer can have here. */
export type NodeStatus = 'starting' | 'active' | 'inactive' | 'failed';

/** JsonValue is what the state file holds; XML-RPC base64 values are kept as `{ $base64 }`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** TestbedPolicy is one access controller's local rules. */
export interface TestbedPolicy {
  /** domain ends every node's DNS name: `<node>.<eid>.<project>.<domain>`. */
  domain: string;
  /** projects that `project:<name>` credentials may name; the first is the default. */
  projects: string[];
  /** nodeQuota caps the Computers held at once (starting or active) across all allocations. */
  nodeQuota: number;
  /** allowedImages are the osid values a Computer may ask for (`osid` attribute of its os or itself). */
  allowedImages: string[];
  /** allowedNodeTypes are the hardware `type` attribute values a Computer may ask for. */
  allowedNodeTypes: string[];
  /** startMs is how long a swap-in takes, in virtual milliseconds. */
  startMs: number;
  /** inputTimeoutMs bounds the wait for connection inputs (and for the store to answer). */
  inputTimeoutMs: number;
}

/** NodeRecord is one Computer of a segment as the testbed embedded it. */
export interface NodeRecord {
  name: string;
  /** localname is the DNS name reported back in `localname`. */
  localname: string;
  /** physical is the testbed's own machine name (pc101 …), shown in the allocation log. */
  physical: string;
  status: NodeStatus;
  /** nonfatal: `failureaction=nonfatal`, so its failure does not fail the segment. */
  nonfatal: boolean;
  /** removed: the node vanished after start (drift); it is left out of InfoSegment. */
  removed: boolean;
}

/** ExchangedValue is one connection parameter this segment set (output) or received (input). */
export interface ExchangedValue {
  name: string;
  key: string;
  store: string;
  value: string;
  /** element is the portal Computer the parameter belongs to, when the connection names one. */
  element?: string;
}

/** SegmentRecord is what StartSegment attached to an allocation. */
export interface SegmentRecord {
  /** topology is the request's topdldescription (interfaces named), to answer InfoSegment from. */
  topology: JsonValue;
  nodes: NodeRecord[];
  outputs: ExchangedValue[];
  inputs: ExchangedValue[];
}

/** ServiceRecord is a serviceInfo as granted (meta-services expanded). */
export interface ServiceRecord {
  id?: string;
  name: string;
  server?: string;
  visibility: string;
  fedAttr: Array<{ attribute: string; value: string }>;
}

/** AllocationRecord is one RequestAccess grant. */
export interface AllocationRecord {
  id: string;
  /** owner is the fedid (hex) of the caller that requested it; only it may use the allocation. */
  owner: string;
  project: string;
  user?: string;
  /** eid is the local experiment name its segments are swapped in under. */
  eid: string;
  createdAt: number;
  services: ServiceRecord[];
  status: SegmentStatus;
  segment: SegmentRecord | null;
  /** log is the allocation log of the last start (or the grant). */
  log: string[];
  /** starts counts StartSegment attempts; a stale start checks it before writing. */
  starts: number;
}

/** TestbedState is one access controller's persisted state. */
export interface TestbedState {
  name: string;
  policy: TestbedPolicy;
  /** authorized holds the fedids (hex) allowed to RequestAccess. */
  authorized: string[];
  allocations: AllocationRecord[];
  nextNode: number;
  nextVlan: number;
}

/** FeddSimState is the whole simulator's state file. */
export interface FeddSimState {
  version: 1;
  clockMs: number;
  testbeds: TestbedState[];
}
