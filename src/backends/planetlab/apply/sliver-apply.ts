/**
 * Driving a delegated sliver on one node, as its nm-controller (planetlab.md §B2, §B5, §B7):
 *
 *   absent → running|stopped   GetRSpec (the node knows the slice and its delegation?), then
 *                              GetSliceTicket at PLC and `Ticket` on the node, which creates and
 *                              starts the sliver; then `Stop` if it should be stopped
 *   running ↔ stopped          `Start` / `Stop`
 *   → absent, or deleted       `Destroy`
 *
 * Every NM call goes through ctx.mutate. A node that has not caught up with PLC yet answers 102
 * or 108 (CONFLICT: the loop looks again after its backoff). When the slice itself is being
 * deleted, a node that cannot be reached does not hold that up: PLC's DeleteSlice makes every
 * node destroy the sliver at its next poll anyway.
 */
import { ConvergeError, isKind } from '../../../errors/converge-error.js';
import type { SliverState } from '../../../manifest/types.js';
import type { ApplyContext, ApplyResult, DesiredObject, ObservedObject } from '../../driver.js';
import type { NmClient, NmTarget } from '../nm/nm-client.js';
import { applyError, nodeStatus } from '../nm/node-verdict.js';
import type { LagBackoff } from '../observe/lag-backoff.js';
import type { SliverDetail } from '../observe/sliver-facts.js';
import type { PlcApi } from '../plc/plc-api.js';
import type { SliverObjectSpec } from '../spec/slice-spec.js';

export interface SliverApplyDeps {
  api: PlcApi;
  nm: NmClient;
  controllerCreatedMs(controller: string): number | undefined;
  /** sliceStaysDesired says whether the sliver's slice object is still wanted. */
  sliceStaysDesired(sliverKey: string): boolean;
  /** sliceObserved says whether the last observation saw the sliver's slice live at PLC. */
  sliceObserved(slice: string): boolean;
  /** lag remembers slivers whose node has not caught up, so the next look probes them first. */
  lag: LagBackoff;
}

export async function applySliver(deps: SliverApplyDeps, desired: DesiredObject, observed: ObservedObject | undefined, ctx: ApplyContext): Promise<ApplyResult> {
  const want = desired.spec as unknown as SliverObjectSpec;
  const have: SliverState = (observed?.spec as unknown as SliverObjectSpec | undefined)?.state ?? 'absent';
  const target: NmTarget = { host: want.node, login: want.access.login };
  if (!observed && !deps.sliceObserved(want.slice)) {
    // Created in this very pass: no node can know it before its next poll; no ssh session for that.
    throw new ConvergeError('CONFLICT', 'NM_SLICE_NEW', `slice ${want.slice} was just created at PLC; ${want.node} learns it at its next poll`, { host: want.node });
  }
  const accepted = (observed?.detail as SliverDetail | undefined)?.accepted === true;
  try {
    await reach(deps, { want, have, target, accepted }, ctx);
  } catch (error) {
    const controllerCreated = deps.controllerCreatedMs(want.access.controller);
    const status = nodeStatus(error, controllerCreated, new Date());
    if (status.phase === 'progressing') deps.lag.lagging(desired.key, status);
    throw applyError(error, controllerCreated, new Date());
  }
  return { ids: { ...(observed?.ids ?? {}), node: want.node }, extra: { state: want.state, login: target.login, controller: want.access.controller } };
}

interface Step {
  want: SliverObjectSpec;
  have: SliverState;
  target: NmTarget;
  /** accepted: the observation just proved the node accepts the controller (no second GetRSpec). */
  accepted: boolean;
}

async function reach(deps: SliverApplyDeps, { want, have, target, accepted }: Step, ctx: ApplyContext): Promise<void> {
  const label = `${want.slice}@${want.node}`;
  const act = (method: 'Start' | 'Stop' | 'Destroy'): Promise<void> => ctx.mutate(method, label, () => deps.nm.act(target, method, want.slice, ctx.signal));
  if (want.state === have) return;
  if (want.state === 'absent') return act('Destroy');
  if (have !== 'absent') return act(want.state === 'running' ? 'Start' : 'Stop');
  if (!accepted) await deps.nm.rspec(target, want.slice, ctx.signal);
  const ticket = await deps.api.read('GetSliceTicket', [want.slice], ctx.signal);
  if (typeof ticket !== 'string' && !Buffer.isBuffer(ticket)) throw new ConvergeError('TERMINAL', 'PLC_BAD_REPLY', 'GetSliceTicket returned neither a string nor a Binary');
  ctx.progress(`redeeming the ticket of ${want.slice} on ${want.node}`);
  await ctx.mutate('Ticket', label, () => deps.nm.ticket(target, ticket, ctx.signal));
  if (want.state === 'stopped') await act('Stop');
}

export async function destroySliver(deps: SliverApplyDeps, observed: ObservedObject, ctx: ApplyContext): Promise<ApplyResult> {
  const detail = observed.detail as SliverDetail;
  if ((observed.spec as unknown as SliverObjectSpec).state === 'absent') return {};
  const label = `${detail.slice}@${detail.host}`;
  try {
    await ctx.mutate('Destroy', label, () => deps.nm.act({ host: detail.host, login: detail.login }, 'Destroy', detail.slice, ctx.signal));
  } catch (error) {
    if (isKind(error, 'CONFLICT') && error.code === 'NM_UNKNOWN_SLIVER') return {};
    if (deps.sliceStaysDesired(observed.key)) throw error;
    ctx.progress(`${label}: not destroyed now (${(error as Error).message}); the node destroys it at its next poll once the slice is deleted`);
  }
  return {};
}
