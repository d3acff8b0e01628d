/**
 * planAcquisition picks candidate vessels for acquire_resources the way the real server does
 * (seattle.md §6), from the vessels available now, in random order:
 * - wan: at most one vessel per /24 (non-NAT nodes); fewer /24s than requested fails;
 * - lan: all from one /24; up to 10 /24s that each have at least N available vessels are tried
 *   in turn (one candidate group each); none fails;
 * - nat: only `NAT$` nodes; random: any node.
 * A group holds at most 2N + 10 candidates (the server's multiplier and adder): candidates can
 * still fail on their node, and the caller tries them until it has N or the group runs out.
 */
import { isNatAddress, subnetOf } from './node-factory.js';
import type { NodeRecord, RspecType } from './types.js';

export type AcquisitionPlan = { ok: true; groups: NodeRecord[][] } | { ok: false; details: string };

export interface PlanInput {
  type: RspecType;
  count: number;
  available: NodeRecord[];
  random: () => number;
  userPort: number;
  natEnabled: boolean;
}

/** NAT_DISABLED_DETAILS is what the production server says whenever NAT vessels run short. */
export const NAT_DISABLED_DETAILS = 'Acquiring NAT vessels is currently disabled. ';

export function planAcquisition(input: PlanInput): AcquisitionPlan {
  const { type, count, random, userPort } = input;
  const limit = 2 * count + 10;
  const nonNat = input.available.filter((n) => !isNatAddress(n.ip));
  switch (type) {
    case 'wan': {
      const subnets = shuffle([...groupBySubnet(nonNat).values()], random);
      if (subnets.length < count) {
        return { ok: false, details: `Requested ${count} wan vessels, but we only have vessels with port ${userPort} available on ${subnets.length} subnets.` };
      }
      return { ok: true, groups: [subnets.slice(0, limit).map((members) => pick(members, random))] };
    }
    case 'lan': {
      const subnets = shuffle([...groupBySubnet(nonNat).values()].filter((m) => m.length >= count), random).slice(0, 10);
      if (subnets.length === 0) {
        return { ok: false, details: `No subnets exist with at least ${count} active nodes that have a vessel available on port ${userPort}` };
      }
      return { ok: true, groups: subnets.map((members) => shuffle(members, random).slice(0, limit)) };
    }
    case 'nat': {
      const nat = input.available.filter((n) => isNatAddress(n.ip));
      if (!input.natEnabled || nat.length < count) return { ok: false, details: NAT_DISABLED_DETAILS };
      return { ok: true, groups: [shuffle(nat, random).slice(0, limit)] };
    }
    case 'random': {
      if (input.available.length < count) {
        return { ok: false, details: `Requested ${count} vessels, but we only have ${input.available.length} vessels with port ${userPort} available.` };
      }
      return { ok: true, groups: [shuffle(input.available, random).slice(0, limit)] };
    }
  }
}

function groupBySubnet(nodes: NodeRecord[]): Map<string, NodeRecord[]> {
  const groups = new Map<string, NodeRecord[]>();
  for (const node of nodes) {
    const subnet = subnetOf(node.ip);
    groups.set(subnet, [...(groups.get(subnet) ?? []), node]);
  }
  return groups;
}

function pick(nodes: NodeRecord[], random: () => number): NodeRecord {
  return nodes[Math.floor(random() * nodes.length)] as NodeRecord;
}

/** shuffle returns a Fisher–Yates shuffled copy (the server's ORDER BY RAND()). */
function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
