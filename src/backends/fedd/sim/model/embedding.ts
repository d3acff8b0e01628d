/**
 * How a testbed embeds a segment: its policy (images, hardware types, node quota), the machines
 * and DNS names it hands out, the values it publishes for connection outputs, and what an
 * injected partial failure does to the nodes.
 */
import type { AccessController, StartFailurePlan } from './access-controller.js';
import type { SegmentComputer } from './topology.js';
import type { AllocationRecord, NodeRecord } from './types.js';
import type { ParameterPlan } from '../exchange/connection-params.js';
import { feddFault, type FeddErrorName } from '../wire/fault-codes.js';
import type { XmlRpcFault } from '../../../../xmlrpc/fault.js';

/**
 * policyProblem returns the fault for a segment this testbed refuses, or undefined: an image or
 * hardware type it does not have is a `Federant Error` (the testbed's swap-in refuses it), more
 * Computers than its quota leaves is `Partial Embedding`.
 */
export function policyProblem(ac: AccessController, computers: SegmentComputer[]): XmlRpcFault | undefined {
  const { policy } = ac.state;
  for (const c of computers) {
    if (c.osid !== undefined && !policy.allowedImages.includes(c.osid)) {
      return feddFault('Federant Error', `Swap-in refused on ${ac.name}: ${c.name} asks for image ${c.osid}, which is not an image of this testbed (images: ${policy.allowedImages.join(', ')})`);
    }
    if (c.hardware !== undefined && !policy.allowedNodeTypes.includes(c.hardware)) {
      return feddFault('Federant Error', `Swap-in refused on ${ac.name}: ${c.name} asks for node type ${c.hardware}, which this testbed does not have (types: ${policy.allowedNodeTypes.join(', ')})`);
    }
  }
  const free = Math.max(0, policy.nodeQuota - ac.nodesHeld());
  if (computers.length > free) {
    return feddFault('Partial Embedding', `Only ${free} of the ${computers.length} nodes requested are available on ${ac.name} (quota ${policy.nodeQuota} nodes)`);
  }
  return undefined;
}

/** allocateNodes assigns a machine and a DNS name to every Computer, all `starting`. */
export function allocateNodes(ac: AccessController, allocation: AllocationRecord, computers: SegmentComputer[]): NodeRecord[] {
  const suffix = `${allocation.eid}.${allocation.project}.${ac.state.policy.domain}`;
  return computers.map((c) => ({
    name: c.name,
    localname: `${c.name}.${suffix}`,
    physical: ac.nextPhysicalName(),
    status: 'starting',
    nonfatal: c.nonfatal,
    removed: false,
  }));
}

/** outputValue is what this testbed publishes for an output parameter (conventional names: peer, ssh_port, vlan_id). */
export function outputValue(ac: AccessController, allocation: AllocationRecord, nodes: NodeRecord[], p: ParameterPlan): string {
  switch (p.name) {
    case 'peer': {
      const portal = nodes.find((n) => n.name === p.element) ?? nodes[0];
      return portal?.localname ?? `${allocation.eid}.${allocation.project}.${ac.state.policy.domain}`;
    }
    case 'ssh_port':
      return '22';
    case 'vlan_id':
      return String(ac.nextVlan());
    default:
      return `${p.name}.${allocation.eid}.${ac.name}`;
  }
}

/** FailureOutcome is what an injected partial failure did: the nodes it failed and the fault, if fatal. */
export interface FailureOutcome {
  failed: string[];
  fault?: XmlRpcFault;
}

/**
 * applyFailure fails the planned nodes. If any of them is not `failureaction=nonfatal` the whole
 * swap-in fails: every node ends `failed` (the testbed swaps the experiment out) and the call is
 * answered with the plan's code (default `Partial Embedding`).
 */
export function applyFailure(ac: AccessController, nodes: NodeRecord[], plan: StartFailurePlan | undefined): FailureOutcome {
  if (!plan) return { failed: [] };
  const chosen = plan.nodes ? nodes.filter((n) => plan.nodes?.includes(n.name)) : nodes.slice(0, Math.max(1, plan.count ?? 1));
  for (const node of chosen) node.status = 'failed';
  const failed = chosen.map((n) => n.name);
  if (chosen.every((n) => n.nonfatal)) return { failed };
  for (const node of nodes) node.status = 'failed';
  const code: FeddErrorName = plan.code ?? 'Partial Embedding';
  return { failed, fault: feddFault(code, `Swap-in on ${ac.name} failed: node(s) ${failed.join(', ')} could not be allocated; the segment was swapped out`) };
}
