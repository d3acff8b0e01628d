/**
 * StartSegment (fedd.md §4, §6.4). The call returns only when the segment is up or has failed:
 *
 * 1. checks that cost nothing: the allocation exists and is the caller's, it has no segment
 *    starting or active (`Badly Formed Request`), the description is topdl and consistent, every
 *    connection parameter names a store URL (`Badly Formed Request`);
 * 2. policy: images, node types, quota (`Federant Error` / `Partial Embedding`, allocation failed);
 * 3. the allocation turns `starting`; outputs are published (SetValue), the swap-in takes the
 *    testbed's startMs of virtual time, then inputs are awaited (blocking GetValue) until the
 *    input timeout (`Federant Error`);
 * 4. an injected failure may fail nodes; otherwise every node turns `active`.
 *
 * A start is not stopped by its caller hanging up (as in fedd, the server thread goes on); it is
 * stopped by TerminateSegment(force), ReleaseAccess or a restart, and then answers `Federant
 * Error` without touching the allocation any more.
 */
import { XmlRpcFault } from '../../../../xmlrpc/fault.js';
import { isStruct, type XmlRpcStruct } from '../../../../xmlrpc/value.js';
import { fedidText } from '../pki/fedid.js';
import { exportOutputs, importInputs, planParameters, type ExchangeContext, type ParameterPlan } from '../exchange/connection-params.js';
import { waitUntil } from '../exchange/clock-wait.js';
import { allocateNodes, applyFailure, outputValue, policyProblem } from '../model/embedding.js';
import { segmentDescription } from '../model/segment-view.js';
import { readSegmentTopology, structs, type SegmentTopology } from '../model/topology.js';
import { toJsonValue } from '../model/json-value.js';
import type { AllocationRecord, SegmentRecord } from '../model/types.js';
import type { AccessController } from '../model/access-controller.js';
import { readAllocId } from '../wire/envelope.js';
import { badRequest, federantError, internalError } from '../wire/fault-codes.js';
import type { OpContext } from './context.js';
import { proof } from './proof.js';

export async function startSegment(ctx: OpContext, body: XmlRpcStruct): Promise<XmlRpcStruct> {
  const { ac } = ctx;
  const id = readAllocId(body);
  const allocation = ac.allocation(id, ctx.caller);
  if (allocation.status === 'starting' || allocation.status === 'active') {
    throw badRequest(`Allocation ${fedidText(id)} already has a segment (${allocation.status}); TerminateSegment it first`);
  }
  const description = body.segmentdescription as XmlRpcStruct;
  if (!isStruct(description.topdldescription)) throw badRequest('segmentdescription must be a topdldescription; this access controller does not read ns2');
  const topology = readSegmentTopology(description.topdldescription);
  const plan = planParameters(structs(body.connection), topology.elementNames);
  const refused = policyProblem(ac, topology.computers);
  allocation.starts += 1;
  if (refused) {
    Object.assign(allocation, { status: 'failed', segment: null, log: [`StartSegment refused: ${refused.faultString}`] });
    ac.deps.persist();
    throw refused;
  }
  const segment = beginStart(ac, allocation, topology, body);
  await runStart(ctx, allocation, segment, plan);
  return {
    allocID: body.allocID as XmlRpcStruct,
    allocationLog: allocation.log.join('\n'),
    segmentdescription: segmentDescription(segment),
    fedAttr: [{ attribute: 'experiment', value: `${allocation.project}/${allocation.eid}` }],
    proof: proof(ctx),
  };
}

function beginStart(ac: AccessController, allocation: AllocationRecord, topology: SegmentTopology, body: XmlRpcStruct): SegmentRecord {
  const nodes = allocateNodes(ac, allocation, topology.computers);
  const segment: SegmentRecord = { topology: toJsonValue(topology.topology), nodes, outputs: [], inputs: [] };
  const services = structs(body.service).map((s) => `${String(s.name)} (${String(s.visibility)})`);
  allocation.status = 'starting';
  allocation.segment = segment;
  allocation.log = [
    `swapping in ${allocation.project}/${allocation.eid} on ${ac.name}: ${nodes.length} node(s)`,
    ...nodes.map((n) => `  ${n.name} -> ${n.physical} (${n.localname})`),
    ...(services.length > 0 ? [`services: ${services.join(', ')}`] : []),
  ];
  ac.deps.persist();
  return segment;
}

async function runStart(ctx: OpContext, allocation: AllocationRecord, segment: SegmentRecord, plan: ParameterPlan[]): Promise<void> {
  const { ac } = ctx;
  const attempt = allocation.starts;
  const abort = new AbortController();
  ac.running.set(allocation.id, abort);
  const current = (): boolean => allocation.starts === attempt && ac.state.allocations.includes(allocation) && !abort.signal.aborted;
  try {
    const exchange = exchangeContext(ac, allocation, abort.signal);
    segment.outputs = await exportOutputs(plan, (p) => outputValue(ac, allocation, segment.nodes, p), exchange);
    note(allocation, segment.outputs.map((o) => `exported ${o.name}=${o.value} (key ${o.key})`));
    await waitUntil(ac.deps.clock, ac.deps.clock.now() + ac.state.policy.startMs, abort.signal);
    if (ac.takeStuck()) await new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true }));
    ac.waiting.set(allocation.id, plan.filter((p) => p.type === 'input').map((p) => p.key));
    segment.inputs = await importInputs(plan, exchange);
    ac.waiting.delete(allocation.id);
    note(allocation, segment.inputs.map((i) => `imported ${i.name}=${i.value} (key ${i.key})`));
    finish(ac, allocation, segment);
  } catch (error) {
    if (!current()) throw federantError(`StartSegment of ${fedidText(allocation.id)} on ${ac.name} was stopped: ${reasonOf(abort.signal)}`);
    const fault = error instanceof XmlRpcFault ? error : internalError(`StartSegment failed: ${(error as Error).message}`);
    allocation.status = 'failed';
    for (const node of segment.nodes) node.status = 'failed';
    note(allocation, [`swap-in failed: ${fault.message}`]);
    ac.deps.persist();
    throw fault;
  } finally {
    // A stopped start was already unregistered; a newer start of the same allocation may be running.
    if (ac.running.get(allocation.id) === abort) {
      ac.running.delete(allocation.id);
      ac.waiting.delete(allocation.id);
    }
  }
}

/** finish applies an injected partial failure, or brings every node up. */
function finish(ac: AccessController, allocation: AllocationRecord, segment: SegmentRecord): void {
  const outcome = applyFailure(ac, segment.nodes, ac.takeFailurePlan());
  if (outcome.fault) throw outcome.fault;
  for (const node of segment.nodes) if (node.status === 'starting') node.status = 'active';
  allocation.status = 'active';
  note(allocation, [...(outcome.failed.length > 0 ? [`nonfatal node(s) failed: ${outcome.failed.join(', ')}`] : []), 'segment active']);
  ac.deps.persist();
}

function exchangeContext(ac: AccessController, allocation: AllocationRecord, signal: AbortSignal): ExchangeContext {
  const identity = ac.deps.pki.allocationIdentity(allocation.id);
  if (!identity) throw internalError(`the key pair of allocation ${fedidText(allocation.id)} is missing`);
  return {
    clock: ac.deps.clock,
    signal,
    identity,
    timeoutMs: ac.state.policy.inputTimeoutMs,
    record: (op, url, request, reply) =>
      ac.deps.record({
        direction: 'out',
        op,
        peer: url,
        request: { [`${op}RequestBody`]: request },
        ...(reply.kind === 'ok' ? { response: { [`${op}ResponseBody`]: reply.body } } : {}),
        ...(reply.kind === 'fault' ? { fault: { code: reply.code, text: reply.text } } : {}),
        ...(reply.kind === 'transport' ? { fault: { code: 'transport', text: reply.message } } : {}),
      }),
  };
}

function note(allocation: AllocationRecord, lines: string[]): void {
  allocation.log.push(...lines);
}

function reasonOf(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : 'the allocation changed';
}
