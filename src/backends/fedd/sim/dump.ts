/** The test-only view of one access controller (`converge.sim.fedd.dump`, FeddSimulator.dump). */
import type { AccessController, StartFailurePlan } from './model/access-controller.js';
import type { ExchangedValue, NodeStatus, SegmentStatus, TestbedPolicy } from './model/types.js';
import { fedidText } from './pki/fedid.js';

export interface TestbedDump {
  name: string;
  /** fedid is the access controller's own (its server certificate's). */
  fedid: string;
  /** now is the virtual time, epoch ms. */
  now: number;
  policy: TestbedPolicy;
  authorized: string[];
  nodesHeld: number;
  allocations: AllocationDump[];
  injected: { stuckStarts: number; failurePlans: StartFailurePlan[] };
}

export interface AllocationDump {
  allocID: string;
  owner: string;
  project: string;
  eid: string;
  status: SegmentStatus;
  /** waitingFor lists the store keys a start in flight is blocked on. */
  waitingFor: string[];
  nodes: Array<{ name: string; localname: string; physical: string; status: NodeStatus; removed: boolean }>;
  outputs: ExchangedValue[];
  inputs: ExchangedValue[];
  log: string[];
}

export function dumpTestbed(ac: AccessController, now: number): TestbedDump {
  return {
    name: ac.name,
    fedid: fedidText(ac.deps.serverFedid),
    now,
    policy: { ...ac.state.policy },
    authorized: ac.state.authorized.map((f) => fedidText(f)),
    nodesHeld: ac.nodesHeld(),
    allocations: ac.state.allocations.map((a) => ({
      allocID: fedidText(a.id),
      owner: fedidText(a.owner),
      project: a.project,
      eid: a.eid,
      status: a.status,
      waitingFor: ac.waiting.get(a.id) ?? [],
      nodes: (a.segment?.nodes ?? []).map(({ name, localname, physical, status, removed }) => ({ name, localname, physical, status, removed })),
      outputs: a.segment?.outputs ?? [],
      inputs: a.segment?.inputs ?? [],
      log: [...a.log],
    })),
    injected: { stuckStarts: ac.stuckStarts, failurePlans: ac.failurePlans.map((p) => ({ ...p })) },
  };
}
