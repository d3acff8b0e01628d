/**
 * The connections of one segment to the others (apis/fedd.md §4): every network found in several
 * segments is split, and its parts are joined by
 * - ssh: a portal computer on each side for each peer; each side publishes `peer` (its portal's
 *   host name) and `ssh_port` for that peer and reads the peer's;
 * - transit: the network's first testbed (by name) publishes `vlan_id`, the others read it; the
 *   members are the segment's computers on that network.
 * Parameters travel through converge's exchange store under keys
 * `<prefix>/<network>/<producer>><consumer>/<name>` (`*` as consumer for transit): the producer's
 * access controller sets a key once (SetValue) and its consumers wait for it (GetValue).
 */
import { portalName, type ExperimentSpec } from './experiment-spec.js';

/** ParameterPlan is one connection parameter from one segment's point of view. */
export interface ParameterPlan {
  name: string;
  key: string;
  type: 'input' | 'output';
  /** producer is the testbed whose access controller sets the key. */
  producer: string;
}

/** ConnectionPlan is one connectionInfo of a StartSegment request. */
export interface ConnectionPlan {
  type: 'ssh' | 'transit';
  network: string;
  portal?: string;
  peer?: string;
  members: Array<{ element: string; interface: string }>;
  parameters: ParameterPlan[];
}

const SSH_PARAMETERS = ['peer', 'ssh_port'] as const;

/** interfaceName is topdl's name of an element's i-th interface (inf000, inf001, …). */
export function interfaceName(index: number): string {
  return `inf${String(index).padStart(3, '0')}`;
}

/** connectionsOf lists the connections of `testbed`'s segment, in network order. */
export function connectionsOf(experiment: ExperimentSpec, testbed: string, prefix: string): ConnectionPlan[] {
  const segment = experiment.segments[testbed];
  if (!segment) return [];
  return Object.keys(segment.networks)
    .sort()
    .flatMap((network) => {
      const span = spanOf(experiment, network);
      if (span.length < 2) return [];
      return isSsh(experiment, network) ? sshConnections(prefix, network, testbed, span) : [transitConnection(experiment, prefix, network, testbed, span)];
    });
}

/** spanOf lists the testbeds whose segments use `network`, sorted. */
export function spanOf(experiment: ExperimentSpec, network: string): string[] {
  return Object.keys(experiment.segments)
    .filter((t) => experiment.segments[t]!.networks[network] !== undefined)
    .sort();
}

function isSsh(experiment: ExperimentSpec, network: string): boolean {
  return Object.values(experiment.segments).some((s) => Object.values(s.computers).some((c) => c.portal === true && c.interfaces.includes(network)));
}

function sshConnections(prefix: string, network: string, testbed: string, span: string[]): ConnectionPlan[] {
  return span
    .filter((peer) => peer !== testbed)
    .map((peer) => ({
      type: 'ssh' as const,
      network,
      portal: portalName(network, peer),
      peer,
      members: [],
      parameters: [
        ...SSH_PARAMETERS.map((name) => ({ name, key: keyOf(prefix, network, testbed, peer, name), type: 'output' as const, producer: testbed })),
        ...SSH_PARAMETERS.map((name) => ({ name, key: keyOf(prefix, network, peer, testbed, name), type: 'input' as const, producer: peer })),
      ],
    }));
}

function transitConnection(experiment: ExperimentSpec, prefix: string, network: string, testbed: string, span: string[]): ConnectionPlan {
  const producer = span[0]!;
  const computers = experiment.segments[testbed]!.computers;
  const members = Object.keys(computers)
    .sort()
    .flatMap((element) => {
      const index = computers[element]!.interfaces.indexOf(network);
      return index < 0 ? [] : [{ element, interface: interfaceName(index) }];
    });
  const type = producer === testbed ? ('output' as const) : ('input' as const);
  return { type: 'transit', network, members, parameters: [{ name: 'vlan_id', key: keyOf(prefix, network, producer, '*', 'vlan_id'), type, producer }] };
}

function keyOf(prefix: string, network: string, producer: string, consumer: string, name: string): string {
  return `${prefix}/${network}/${producer}>${consumer}/${name}`;
}

/** outputKeys are the keys `testbed`'s access controller sets. */
export function outputKeys(experiment: ExperimentSpec, testbed: string, prefix: string): string[] {
  return connectionsOf(experiment, testbed, prefix).flatMap((c) => c.parameters.filter((p) => p.type === 'output').map((p) => p.key));
}

/** inputParameters are the parameters `testbed`'s access controller waits for, with their producers. */
export function inputParameters(experiment: ExperimentSpec, testbed: string, prefix: string): ParameterPlan[] {
  return connectionsOf(experiment, testbed, prefix).flatMap((c) => c.parameters.filter((p) => p.type === 'input'));
}
