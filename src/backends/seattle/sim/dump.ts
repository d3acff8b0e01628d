/** The test-only view of the model (`converge.sim.seattle.dump`): what each account holds, and what is free. */
import { freeCounts, type Availability } from './model/availability.js';
import type { SeattleStore } from './model/store.js';
import type { VesselStatus } from './model/vessel-status.js';
import { vesselHandle, type NodeKind } from './model/types.js';

export interface SeattleSimDump {
  accounts: Array<{
    username: string;
    maxVessels: number;
    userPort: number;
    /** vessels are the unexpired ones, as get_resource_info lists them. */
    vessels: Array<{ handle: string; type: NodeKind; nodeIp: string; isActive: boolean; expiresAt: number /* virtual epoch ms */ }>;
  }>;
  /** free counts vessels acquirable right now (active node, clean, unheld), by node kind. */
  free: Availability;
  /** nodes is the whole pool, one vessel each; `owner` is `acquired_by_user`, absent when unheld. */
  nodes: Array<{ handle: string; type: NodeKind; ip: string; active: boolean; reachable: boolean; status: VesselStatus; owner?: string }>;
}

export function dumpModel(store: SeattleStore, now: number): SeattleSimDump {
  return {
    accounts: store.state.accounts.map((account) => ({
      username: account.username,
      maxVessels: account.maxVessels,
      userPort: account.userPort,
      vessels: store.heldBy(account.username, now).map((node) => ({
        handle: vesselHandle(node),
        type: node.kind,
        nodeIp: node.ip,
        isActive: node.active,
        expiresAt: node.expiresAt,
      })),
    })),
    free: freeCounts(store, now),
    nodes: store.state.nodes.map((node) => {
      const owner = store.acquiredBy(node, now);
      const { kind: type, ip, active, reachable } = node;
      return { handle: vesselHandle(node), type, ip, active, reachable, status: store.status(node, now), ...(owner ? { owner } : {}) };
    }),
  };
}
