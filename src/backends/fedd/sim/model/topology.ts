/**
 * Reading a segment's topdl (already checked against the schema) the way fedd's topdl library
 * and an Emulab-style access controller do (fedd.md §3):
 * - substrate names are unique ("Duplicate substrate name X") and every interface names existing
 *   substrates ("No such substrate for X"): both `Badly Formed Request`, as topdl raises
 *   ConsistencyError before anything is allocated;
 * - Computer names are unique within the segment (they become host names);
 * - a Computer's image is the `osid` attribute of its os (topdl's ns2 emitter) or of itself, its
 *   hardware the `type` attribute; `failureaction=nonfatal` lets it fail alone; `portal=true`
 *   marks the EC-added portal.
 */
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../../../xmlrpc/value.js';
import { badRequest } from '../wire/fault-codes.js';

/** SegmentComputer is what the testbed needs to know about one Computer. */
export interface SegmentComputer {
  name: string;
  osid?: string;
  hardware?: string;
  nonfatal: boolean;
  portal: boolean;
}

/** SegmentTopology is a consistent topology and its Computers. */
export interface SegmentTopology {
  topology: XmlRpcStruct;
  computers: SegmentComputer[];
  /** elementNames are the names a connection's portal or members may refer to. */
  elementNames: Set<string>;
}

/** readSegmentTopology checks topdl's consistency rules and lists the Computers. */
export function readSegmentTopology(topology: XmlRpcStruct): SegmentTopology {
  const substrates = new Set<string>();
  for (const substrate of structs(topology.substrates)) {
    const name = String(substrate.name);
    if (substrates.has(name)) throw badRequest(`Duplicate substrate name ${name}`);
    substrates.add(name);
  }
  const computers: SegmentComputer[] = [];
  const elementNames = new Set<string>();
  for (const element of structs(topology.elements)) {
    const [kind, body] = Object.entries(element)[0] ?? [];
    if (!kind || !isStruct(body)) continue;
    for (const iface of structs(body.interface)) {
      for (const sub of strings(iface.substrate)) {
        if (!substrates.has(sub)) throw badRequest(`No such substrate for ${sub}`);
      }
    }
    if (kind !== 'computer') continue;
    const computer = readComputer(body);
    if (elementNames.has(computer.name)) throw badRequest(`Duplicate element name ${computer.name}`);
    elementNames.add(computer.name);
    computers.push(computer);
  }
  return { topology, computers, elementNames };
}

function readComputer(body: XmlRpcStruct): SegmentComputer {
  const osid = structs(body.os).map((os) => attribute(os, 'osid')).find((v) => v !== undefined) ?? attribute(body, 'osid');
  const hardware = attribute(body, 'type');
  return {
    name: String(body.name),
    ...(osid !== undefined ? { osid } : {}),
    ...(hardware !== undefined ? { hardware } : {}),
    nonfatal: attribute(body, 'failureaction') === 'nonfatal',
    portal: (attribute(body, 'portal') ?? '').toLowerCase() === 'true',
  };
}

/** attribute returns the value of topdl attribute `name` on an entity, if set. */
export function attribute(entity: XmlRpcStruct, name: string): string | undefined {
  const found = structs(entity.attribute).find((a) => a.attribute === name);
  return found ? String(found.value) : undefined;
}

/** setAttribute sets (or adds) topdl attribute `name` on an entity. */
export function setAttribute(entity: XmlRpcStruct, name: string, value: string): void {
  const list = structs(entity.attribute);
  const found = list.find((a) => a.attribute === name);
  if (found) found.value = value;
  else entity.attribute = [...list, { attribute: name, value }];
}

/** structs reads a list member as its struct items (absent = none). */
export function structs(value: XmlRpcValue | undefined): XmlRpcStruct[] {
  return Array.isArray(value) ? value.filter(isStruct) : [];
}

function strings(value: XmlRpcValue | undefined): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
