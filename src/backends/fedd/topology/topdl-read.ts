/**
 * Reading back the topdl an access controller reports (InfoSegment) into the segment's spec, the
 * inverse of topdl-write.ts: Computers by name with their conventional attributes, interfaces by
 * substrate, live `status`; substrates with capacity and latency. Attributes the access
 * controller adds (connection inputs set on portals, its own bookkeeping) are not part of the
 * spec. A `failureaction=nonfatal` computer that failed is reported active (fedd lets such nodes
 * fail without failing the segment) and listed, so the status message can say so.
 */
import { isStruct, type XmlRpcStruct } from '../../../xmlrpc/value.js';
import { fedAttrValue, structList } from '../wire/envelope.js';
import type { ComputerSpec, NetworkPart } from './experiment-spec.js';
import { PEER_ATTRIBUTE } from './topdl-write.js';

/** ReadSegment is a live segment as read: its computers and networks, and notes about nodes. */
export interface ReadSegment {
  computers: Record<string, ComputerSpec>;
  networks: Record<string, NetworkPart>;
  /** nonfatalFailed lists failed nonfatal computers (tolerated). */
  nonfatalFailed: string[];
  /** localnames are the computers' DNS names once allocated (topdl `localname`), by computer. */
  localnames: Record<string, string>;
}

/** readSegment reads a topdldescription; `fallbackStatus` stands for computers that carry none. */
export function readSegment(topology: XmlRpcStruct | undefined, fallbackStatus: string): ReadSegment {
  const result: ReadSegment = { computers: {}, networks: {}, nonfatalFailed: [], localnames: {} };
  if (!topology) return result;
  for (const substrate of structList(topology.substrates)) result.networks[String(substrate.name)] = networkPart(substrate);
  for (const element of structList(topology.elements)) {
    const body = element.computer;
    if (!isStruct(body)) continue;
    const name = String(body.name);
    const computer = readComputer(body, fallbackStatus);
    if (computer.failureAction === 'nonfatal' && computer.status === 'failed') {
      result.nonfatalFailed.push(name);
      computer.status = 'active';
    }
    result.computers[name] = computer;
    const [localname] = Array.isArray(body.localname) ? body.localname : [];
    if (typeof localname === 'string' && localname !== '') result.localnames[name] = localname;
  }
  return result;
}

function networkPart(substrate: XmlRpcStruct): NetworkPart {
  const capacity = isStruct(substrate.capacity) ? Number(substrate.capacity.rate) : undefined;
  const latency = isStruct(substrate.latency) ? Number(substrate.latency.time) : undefined;
  return { ...(capacity !== undefined ? { capacityKbps: capacity } : {}), ...(latency !== undefined ? { latencyMs: latency } : {}) };
}

function readComputer(body: XmlRpcStruct, fallbackStatus: string): ComputerSpec {
  const attribute = (name: string): string | undefined => fedAttrValue(body.attribute, name);
  const image = attribute('osid') ?? structList(body.os).map((os) => fedAttrValue(os.attribute, 'osid')).find((v) => v !== undefined);
  const hardware = attribute('type');
  const startup = attribute('startup');
  const peer = attribute(PEER_ATTRIBUTE);
  const portal = attribute('portal') === 'true';
  return {
    ...(image !== undefined ? { image } : {}),
    ...(hardware !== undefined ? { hardware } : {}),
    ...(startup !== undefined ? { startup } : {}),
    failureAction: attribute('failureaction') === 'nonfatal' ? 'nonfatal' : 'fatal',
    ...(peer !== undefined ? { peer } : {}),
    ...(portal ? { portal: true } : {}),
    interfaces: structList(body.interface).map((i) => (Array.isArray(i.substrate) ? String(i.substrate[0]) : '')),
    status: typeof body.status === 'string' ? body.status : fallbackStatus,
  };
}
