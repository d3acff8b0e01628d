/**
 * InfoSegment and OperationSegment (fedd.md §6.6).
 *
 * InfoSegment returns the live segment: every Computer with its current `status` and `localname`,
 * nodes that vanished left out (drift shows here first). The allocation's own state travels as
 * fedAttr `status` (the schema has no field for it). An allocation without a segment has no
 * segmentdescription.
 *
 * OperationSegment answers one operationStatus per target with the operation codes of the
 * schema: 0 success, 2 busy (segment starting), 3 not supported, 7 no such target, 8 federant
 * error. `Shutdown` makes a node inactive; `Restart` and `Reboot` bring a shut-down node back.
 */
import type { XmlRpcStruct } from '../../../../xmlrpc/value.js';
import { segmentDescription } from '../model/segment-view.js';
import type { AllocationRecord } from '../model/types.js';
import { readAllocId } from '../wire/envelope.js';
import type { OpContext } from './context.js';
import { proof } from './proof.js';

export function infoSegment(ctx: OpContext, body: XmlRpcStruct): XmlRpcStruct {
  const allocation = ctx.ac.allocation(readAllocId(body), ctx.caller);
  return {
    allocID: body.allocID as XmlRpcStruct,
    ...(allocation.segment ? { segmentdescription: segmentDescription(allocation.segment) } : {}),
    fedAttr: [{ attribute: 'status', value: allocation.status }],
    proof: proof(ctx),
  };
}

export function operationSegment(ctx: OpContext, body: XmlRpcStruct): XmlRpcStruct {
  const allocation = ctx.ac.allocation(readAllocId(body), ctx.caller);
  const operation = String(body.operation);
  const targets = Array.isArray(body.target) ? body.target.map(String) : [];
  const status = targets.map((target) => operate(allocation, operation, target));
  ctx.ac.deps.persist();
  return { allocID: body.allocID as XmlRpcStruct, status, proof: proof(ctx) };
}

function operate(allocation: AllocationRecord, operation: string, target: string): XmlRpcStruct {
  const result = (code: number, description: string): XmlRpcStruct => ({ target, code, description });
  if (allocation.status === 'starting') return result(2, 'the segment is starting; try again later');
  const node = allocation.segment?.nodes.find((n) => n.name === target && !n.removed);
  if (allocation.status !== 'active' || !node) return result(7, `no such target: ${target}`);
  switch (operation) {
    case 'Shutdown':
      if (node.status === 'active') node.status = 'inactive';
      return result(0, `${target} shut down`);
    case 'Restart':
    case 'Reboot':
      if (node.status === 'failed') return result(8, `${target} has failed and cannot be restarted`);
      node.status = 'active';
      return result(0, `${target} restarted`);
    default:
      return result(3, `operation ${operation} is not supported`);
  }
}
