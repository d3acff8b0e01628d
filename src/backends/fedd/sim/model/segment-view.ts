/**
 * The segment description an access controller returns (StartSegment, InfoSegment): the topology
 * it was given, each Computer annotated with `localname` (its DNS name) and its live `status`,
 * connection inputs set as attributes of their portal, and nodes that vanished left out.
 */
import { isStruct, type XmlRpcStruct } from '../../../../xmlrpc/value.js';
import { toXmlRpcValue } from './json-value.js';
import { setAttribute, structs } from './topology.js';
import type { SegmentRecord } from './types.js';

/** segmentDescription renders a segment as an experimentDescriptionType struct. */
export function segmentDescription(segment: SegmentRecord): XmlRpcStruct {
  const topology = toXmlRpcValue(segment.topology) as XmlRpcStruct;
  const nodes = new Map(segment.nodes.map((node) => [node.name, node]));
  const elements = structs(topology.elements).filter((element) => {
    const computer = element.computer;
    if (!isStruct(computer)) return true;
    const node = nodes.get(String(computer.name));
    if (!node) return true;
    if (node.removed) return false;
    computer.localname = [node.localname];
    computer.status = node.status;
    for (const input of segment.inputs) {
      if (input.element === node.name) setAttribute(computer, input.name, input.value);
    }
    return true;
  });
  if (elements.length > 0) topology.elements = elements;
  else delete topology.elements;
  return { topdldescription: topology };
}
