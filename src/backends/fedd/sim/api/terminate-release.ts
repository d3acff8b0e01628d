/**
 * TerminateSegment and ReleaseAccess (fedd.md §4, §6.2). Neither is idempotent: on an allocation
 * that is gone both answer `Badly Formed Request` ("No such allocation"), which a client must read
 * as "already done".
 *
 * - TerminateSegment removes the segment's resources and leaves the allocation `empty`, ready for
 *   another StartSegment. While the segment is `starting` it is refused with `Federant Error`
 *   (busy: try again later) unless `force` is set, which stops the start.
 * - ReleaseAccess drops the allocation. This simulator refuses it with `Badly Formed Request`
 *   while the allocation still has a segment starting or active (fedd.md leaves the choice open;
 *   refusing makes a client that skips TerminateSegment fail loudly instead of leaking nodes).
 */
import type { XmlRpcStruct } from '../../../../xmlrpc/value.js';
import { fedidText } from '../pki/fedid.js';
import { readAllocId } from '../wire/envelope.js';
import { badRequest, federantError } from '../wire/fault-codes.js';
import type { OpContext } from './context.js';
import { proof } from './proof.js';

export function terminateSegment(ctx: OpContext, body: XmlRpcStruct): XmlRpcStruct {
  const { ac } = ctx;
  const id = readAllocId(body);
  const allocation = ac.allocation(id, ctx.caller);
  const force = body.force === true;
  if (allocation.status === 'starting' && !force) {
    throw federantError(`The segment of allocation ${fedidText(id)} on ${ac.name} is starting; TerminateSegment with force to stop it`);
  }
  const lines: string[] = [];
  if (allocation.status === 'starting') {
    ac.stopStart(id, 'terminated by TerminateSegment with force');
    lines.push(`swap-in of ${allocation.eid} stopped (force)`);
  }
  const nodes = allocation.segment?.nodes ?? [];
  if (nodes.length > 0) {
    lines.push(`swapping out ${allocation.project}/${allocation.eid} on ${ac.name}`, ...nodes.map((n) => `  released ${n.physical} (${n.name})`));
  } else {
    lines.push(`allocation ${fedidText(id)} has no resources on ${ac.name}`);
  }
  allocation.status = 'empty';
  allocation.segment = null;
  allocation.log = [...lines];
  ac.deps.persist();
  return { allocID: body.allocID as XmlRpcStruct, deallocationLog: lines.join('\n'), proof: proof(ctx) };
}

export function releaseAccess(ctx: OpContext, body: XmlRpcStruct): XmlRpcStruct {
  const { ac } = ctx;
  const id = readAllocId(body);
  const allocation = ac.allocation(id, ctx.caller);
  if (allocation.status === 'starting' || allocation.status === 'active') {
    throw badRequest(`Allocation ${fedidText(id)} still has a segment (${allocation.status}); TerminateSegment it before ReleaseAccess`);
  }
  ac.removeAllocation(id);
  ac.deps.persist();
  return { allocID: body.allocID as XmlRpcStruct, proof: proof(ctx) };
}
