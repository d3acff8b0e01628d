/**
 * sliverFacts observes delegated slivers through the Node Manager, as the controller would see
 * them (planetlab.md §B2, §B4): one GetXIDs per node and login (which sliver accounts exist),
 * and, only for a sliver about to be created, whose controller changed, or that is waiting for
 * its node to catch up, a GetRSpec (does the node know the slice, and its delegation to this
 * controller?), in parallel with GetXIDs. A settled node costs one ssh session per pass; every
 * session is a process on the node, so they are kept few.
 *
 * The NM API has no call that tells a running sliver from a stopped one; `state` therefore
 * comes from GetXIDs for existence and from state (the last Start/Stop converge made) for
 * running versus stopped. A node that cannot be read reports the desired state (no drift is
 * claimed about what nobody saw) with a status that says why (node-verdict.ts).
 */
import { mapLimit } from '../../../engine/semaphore.js';
import { asConvergeError } from '../../../errors/converge-error.js';
import type { SliverState } from '../../../manifest/types.js';
import type { ObjectStatus, ObservedObject } from '../../driver.js';
import type { NmClient, NmTarget } from '../nm/nm-client.js';
import { nodeStatus } from '../nm/node-verdict.js';
import type { SliverObjectSpec } from '../spec/slice-spec.js';
import type { LagBackoff } from './lag-backoff.js';

/** SliverCandidate is a sliver to look at: desired, or recorded in state, of a slice we observed. */
export interface SliverCandidate {
  key: string;
  sliceKey: string;
  slice: string;
  sliceId: number;
  host: string;
  controller: string;
  login: string;
  desired?: SliverObjectSpec;
  /** recordedState is the state converge last left the sliver in. */
  recordedState?: SliverState;
  /** recordedController is the controller the node last accepted for this sliver. */
  recordedController?: string;
  /** delegationPending: PLC does not delegate the slice to `controller` yet (this pass writes it). */
  delegationPending?: boolean;
}

/** SliverDetail is what apply needs of an observed sliver. */
export interface SliverDetail {
  slice: string;
  host: string;
  controller: string;
  login: string;
  /** accepted: this observation's GetRSpec proved the node accepts the controller. */
  accepted: boolean;
}

export interface SliverFactsContext {
  backend: string;
  now: Date;
  signal: AbortSignal;
  parallel: number;
  lag: LagBackoff;
  /** controllerCreatedMs says when a controller slice was created at PLC (for login refusals). */
  controllerCreatedMs(controller: string): number | undefined;
}

export async function sliverFacts(nm: NmClient, candidates: readonly SliverCandidate[], ctx: SliverFactsContext): Promise<ObservedObject[]> {
  const groups = new Map<string, SliverCandidate[]>();
  for (const c of candidates) groups.set(`${c.host}\u0000${c.login}`, [...(groups.get(`${c.host}\u0000${c.login}`) ?? []), c]);
  const observed = await mapLimit([...groups.values()], ctx.parallel, async (group) => {
    const target: NmTarget = { host: group[0]!.host, login: group[0]!.login };
    const [xids, ...probes] = await Promise.all([settle(nm.xids(target, ctx.signal)), ...group.map((c) => probe(nm, c, ctx))]);
    return group.map((c, i) => lookAt(c, xids, probes[i], ctx));
  });
  return observed.flat();
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    if (asConvergeError(error).code === 'ABORTED') throw error;
    return { ok: false, error };
  }
}

/** Probe: no look needed (`skipped`), the node accepts the controller (`ready`), or why not. */
type Probe = { outcome: 'skipped' } | { outcome: 'ready' } | { outcome: 'waiting'; status: ObjectStatus };

function lookAt(c: SliverCandidate, xids: Settled<Map<string, number>>, probed: Probe | undefined, ctx: SliverFactsContext): ObservedObject {
  if (!xids.ok) return sliverObject(c, unseenState(c), nodeStatus(xids.error, ctx.controllerCreatedMs(c.controller), ctx.now), ctx, undefined);
  const state: SliverState = xids.value.has(c.slice) ? (c.recordedState && c.recordedState !== 'absent' ? c.recordedState : 'running') : 'absent';
  if (probed?.outcome === 'waiting') return sliverObject(c, state, probed.status, ctx, c.recordedController ?? '');
  return sliverObject(c, state, { phase: 'ready' }, ctx, c.controller, probed?.outcome === 'ready');
}

/**
 * needsProbe: the sliver is to be created (Ticket is open to anyone, so only GetRSpec shows
 * whether the node knows the slice and its delegation), or its controller changed, or its node
 * was found lagging. Start, Stop and Destroy need no probe: the node checks the delegation
 * itself and answers 102/108 without acting, which the apply step turns into a lagging node.
 */
function needsProbe(c: SliverCandidate, ctx: SliverFactsContext): boolean {
  if (ctx.lag.known(c.key)) return true;
  if (!c.desired || c.desired.state === 'absent') return false;
  return (c.recordedState ?? 'absent') === 'absent' || c.recordedController !== c.controller;
}

/** probe asks GetRSpec whether the node lets this controller act on the sliver yet. */
async function probe(nm: NmClient, c: SliverCandidate, ctx: SliverFactsContext): Promise<Probe> {
  if (!needsProbe(c, ctx)) return { outcome: 'skipped' };
  if (c.delegationPending) {
    // No node can know a delegation PLC does not have yet: no ssh session to ask.
    return { outcome: 'waiting', status: { phase: 'progressing', changing: true, message: `PLC does not delegate ${c.slice} to ${c.controller} yet; the nodes learn it at their next poll after it does` } };
  }
  const waiting = ctx.lag.pending(c.key);
  if (waiting) return { outcome: 'waiting', status: waiting };
  const lookedAt = Date.now();
  const result = await settle(nm.rspec({ host: c.host, login: c.login }, c.slice, ctx.signal));
  if (result.ok) {
    ctx.lag.caughtUp(c.key);
    return { outcome: 'ready' };
  }
  const status = nodeStatus(result.error, ctx.controllerCreatedMs(c.controller), ctx.now);
  if (status.phase === 'progressing') ctx.lag.lagging(c.key, status, lookedAt);
  return { outcome: 'waiting', status };
}

function unseenState(c: SliverCandidate): SliverState {
  return c.desired?.state ?? c.recordedState ?? 'absent';
}

/**
 * sliverObject builds the observed sliver. `verifiedController` is the controller the node is
 * known to accept (recorded in state), or undefined when the node could not be read at all.
 */
function sliverObject(c: SliverCandidate, state: SliverState, status: ObjectStatus, ctx: SliverFactsContext, verifiedController: string | undefined, accepted = false): ObservedObject {
  const spec: SliverObjectSpec = { slice: c.slice, node: c.host, state, access: { controller: c.controller, login: c.login } };
  const detail: SliverDetail = { slice: c.slice, host: c.host, controller: c.controller, login: c.login, accepted };
  return {
    key: c.key,
    kind: 'Slice',
    backend: ctx.backend,
    ids: { slice_id: String(c.sliceId), node: c.host },
    spec: spec as unknown as ObservedObject['spec'],
    status,
    detail,
    dependsOn: [c.sliceKey],
    access: { nodes: [{ of: `ssh ${c.slice}@`, hostname: c.host }] },
    ...(verifiedController !== undefined ? { extra: { state, login: c.login, controller: verifiedController } } : {}),
  };
}
