/**
 * makeNode builds a new node of a kind, deterministically from (seed, serial), so the same seed
 * gives the same pool and a restarted simulator never repeats an id. Node ids look like real ones
 * (an RSA public key "65537 <309 digits>"); addresses follow the kind's rule:
 * - wan: a /24 no other node uses;
 * - lan: the first lan /24 with a free host address (253 hosts each), else a new /24;
 * - nat: `NAT$` and 40 hex digits, as NAT nodes are reached through a forwarder.
 */
import { createHash } from 'node:crypto';
import type { NodeKind, NodeRecord } from './types.js';

export const NODE_MANAGER_PORT = 1224;

export function makeNode(seed: number, serial: number, kind: NodeKind, existing: readonly NodeRecord[]): NodeRecord {
  const h = (label: string): string => createHash('sha512').update(`${seed}/${serial}/${label}`).digest('hex');
  return {
    serial,
    id: `65537 ${decimalDigits(h, 309)}`,
    ip: addressFor(kind, h, existing),
    port: NODE_MANAGER_PORT,
    kind,
    active: true,
    reachable: true,
    vesselName: `v${1 + (parseInt(h('vessel').slice(0, 8), 16) % 30)}`,
    owner: null,
    acquiredAt: 0,
    expiresAt: 0,
    releasedAt: 0,
  };
}

export function subnetOf(ip: string): string {
  return ip.split('.').slice(0, 3).join('.');
}

export function isNatAddress(ip: string): boolean {
  return ip.startsWith('NAT$');
}

function addressFor(kind: NodeKind, h: (label: string) => string, existing: readonly NodeRecord[]): string {
  if (kind === 'nat') return `NAT$${h('nat').slice(0, 40)}`;
  const used = new Set(existing.filter((n) => !isNatAddress(n.ip)).map((n) => subnetOf(n.ip)));
  if (kind === 'lan') {
    const hosts = lanHostsBySubnet(existing);
    for (const [subnet, taken] of hosts) {
      for (let host = 2; host <= 254; host++) if (!taken.has(host)) return `${subnet}.${host}`;
    }
    return `${freshSubnet(h, used)}.2`;
  }
  return `${freshSubnet(h, used)}.${2 + (parseInt(h('host').slice(0, 8), 16) % 253)}`;
}

function lanHostsBySubnet(existing: readonly NodeRecord[]): Map<string, Set<number>> {
  const hosts = new Map<string, Set<number>>();
  for (const node of existing) {
    if (node.kind !== 'lan') continue;
    const subnet = subnetOf(node.ip);
    const set = hosts.get(subnet) ?? new Set<number>();
    set.add(Number(node.ip.split('.')[3]));
    hosts.set(subnet, set);
  }
  return hosts;
}

/** freshSubnet picks a public-looking /24 (first octet 11..223, never 127) nobody uses yet. */
function freshSubnet(h: (label: string) => string, used: ReadonlySet<string>): string {
  for (let attempt = 0; ; attempt++) {
    const bytes = Buffer.from(h(`subnet/${attempt}`).slice(0, 6), 'hex');
    const first = 11 + ((bytes[0] ?? 0) % 213);
    if (first === 127) continue;
    const subnet = `${first}.${bytes[1] ?? 0}.${bytes[2] ?? 0}`;
    if (!used.has(subnet)) return subnet;
  }
}

function decimalDigits(h: (label: string) => string, count: number): string {
  let digits = '';
  for (let i = 0; digits.length < count; i++) digits += BigInt(`0x${h(`id/${i}`)}`).toString();
  return digits.slice(0, count).replace(/^0/, '1');
}
