/**
 * The normalised spec of a federated experiment: the one object an Infrastructure on a fedd
 * backend expands into (see docs/backends/fedd.md for why one object, not one per segment).
 * Desired and observed specs share this shape, so the planner diffs them leaf by leaf and a
 * change's path names the segment it touches: `segments.<testbed>.computers.<name>.image`.
 *
 * Cross-testbed connections are not stored: they follow from the segments (a network found in
 * several segments is split; portal computers on it mean ssh, none mean transit), so what the
 * access controllers report back is enough to diff them.
 */

/** ComputerSpec is one topdl Computer of a segment: an instance `<system>-<i>` or a portal. */
export interface ComputerSpec {
  image?: string;
  hardware?: string;
  startup?: string;
  failureAction: 'fatal' | 'nonfatal';
  /** peer names the other testbed of the ssh connection, for portal computers only. */
  peer?: string;
  portal?: boolean;
  /** interfaces are the networks (substrates) the computer attaches to, in order. */
  interfaces: string[];
  /** status is topdl's: desired `active`; a failed, inactive or starting node is drift. */
  status: string;
}

/** NetworkPart is a network's substrate in one segment. */
export interface NetworkPart {
  capacityKbps?: number;
  latencyMs?: number;
}

/** ServiceRequest is a serviceInfo as one testbed is asked for it. */
export interface ServiceRequest {
  id: string;
  name: string;
  visibility: 'export' | 'import';
  attributes: Record<string, string>;
}

/** SegmentSpec is what one testbed runs of the experiment. */
export interface SegmentSpec {
  computers: Record<string, ComputerSpec>;
  networks: Record<string, NetworkPart>;
  services: ServiceRequest[];
}

/** ExperimentSpec is the whole experiment, by testbed. */
export interface ExperimentSpec {
  segments: Record<string, SegmentSpec>;
}

/** portalName is the name of testbed T's portal computer towards `peer` on `network`. */
export function portalName(network: string, peer: string): string {
  return `portal-${network}-${peer}`;
}
