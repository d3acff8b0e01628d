/**
 * Writing a segment as the topdl a StartSegment carries (apis/fedd.md §3, fedd_types.xsd /
 * topdl.xsd in the dict encoding): one substrate per network the segment uses (capacity in
 * kbit/s, latency in ms, both `max`), one Computer element per computer with its interfaces
 * (inf000, inf001, …) and the conventional attributes fedd's access controllers read:
 * `testbed`, `osid` (image), `type` (hardware), `startup`, `failureaction`, and for portals
 * `portal`, `portal_type` and `converge:peer`. Elements and substrates are sorted by name, so the
 * same spec always gives the same message. The connectionInfo structs come from connections.ts.
 */
import type { XmlRpcStruct } from '../../../xmlrpc/value.js';
import { interfaceName, type ConnectionPlan } from './connections.js';
import type { ComputerSpec, NetworkPart, SegmentSpec, ServiceRequest } from './experiment-spec.js';

/** PEER_ATTRIBUTE carries a portal's peer testbed (fedd's own `peer` is set from the exchange). */
export const PEER_ATTRIBUTE = 'converge:peer';

/** segmentTopology is testbed's segment as a topdldescription. Pure and deterministic. */
export function segmentTopology(testbed: string, segment: SegmentSpec): XmlRpcStruct {
  const substrates = Object.keys(segment.networks).sort().map((name) => substrate(name, segment.networks[name]!));
  const elements = Object.keys(segment.computers).sort().map((name) => ({ computer: computer(testbed, name, segment.computers[name]!) }));
  return { version: '1.0', ...(substrates.length > 0 ? { substrates } : {}), ...(elements.length > 0 ? { elements } : {}) };
}

function substrate(name: string, part: NetworkPart): XmlRpcStruct {
  return {
    name,
    ...(part.capacityKbps !== undefined ? { capacity: { rate: part.capacityKbps, kind: 'max' } } : {}),
    ...(part.latencyMs !== undefined ? { latency: { time: part.latencyMs, kind: 'max' } } : {}),
  };
}

function computer(testbed: string, name: string, spec: ComputerSpec): XmlRpcStruct {
  const attributes: Array<[string, string | undefined]> = [
    ['testbed', testbed],
    ['osid', spec.image],
    ['type', spec.hardware],
    ['startup', spec.startup],
    ['failureaction', spec.failureAction],
    ['portal', spec.portal ? 'true' : undefined],
    ['portal_type', spec.portal ? 'experiment' : undefined],
    [PEER_ATTRIBUTE, spec.peer],
  ];
  return {
    name,
    ...(spec.interfaces.length > 0 ? { interface: spec.interfaces.map((network, i) => ({ substrate: [network], name: interfaceName(i) })) } : {}),
    attribute: attributes.filter((a): a is [string, string] => a[1] !== undefined).map(([attribute, value]) => ({ attribute, value })),
  };
}

/** connectionInfo renders a ConnectionPlan for the store at `storeUrl`. */
export function connectionInfo(plan: ConnectionPlan, storeUrl: string): XmlRpcStruct {
  return {
    type: plan.type,
    ...(plan.portal ? { portal: plan.portal } : {}),
    ...(plan.peer ? { peer: plan.peer } : {}),
    ...(plan.members.length > 0 ? { member: plan.members.map((m) => ({ element: m.element, interface: m.interface })) } : {}),
    parameter: plan.parameters.map((p) => ({ name: p.name, key: p.key, store: storeUrl, type: p.type })),
  };
}

/** serviceInfo renders a service request as fedd's serviceInfo. */
export function serviceInfo(service: ServiceRequest): XmlRpcStruct {
  const fedAttr = Object.entries(service.attributes).map(([attribute, value]) => ({ attribute, value }));
  return { id: service.id, name: service.name, ...(fedAttr.length > 0 ? { fedAttr } : {}), visibility: service.visibility };
}
