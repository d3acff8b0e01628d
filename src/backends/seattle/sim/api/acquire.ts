/**
 * acquire_resources (all-or-nothing) and acquire_specific_vessels (best effort), seattle.md §4, §6.
 * Both check credits before looking for vessels: requested + held (unexpired) > max_vessels is 103.
 */
import type { XmlRpcValue } from '../../../../xmlrpc/value.js';
import { planAcquisition } from '../model/select-vessels.js';
import type { AccountRecord, NodeRecord } from '../model/types.js';
import type { ApiContext } from './context.js';
import { requireApiKeyAuth } from './auth.js';
import { ACQUIRE_CREDITS_TEXT, FAULT_NOT_ENOUGH_CREDITS, fault, unableToAcquire } from './faults.js';
import { requireHandleList, resolveHandles } from './handles.js';
import { vesselInfo } from './infodict.js';
import { parseRspec } from './rspec.js';

const PARTIAL_FAILURE_DETAILS = 'Failed to acquire enough vessels to fulfill the request';

export function acquireResources(ctx: ApiContext, [auth, rspecValue]: XmlRpcValue[]): XmlRpcValue {
  const account = requireApiKeyAuth(ctx.store, auth);
  const rspec = parseRspec(rspecValue);
  requireCredits(ctx, account, rspec.count);
  const plan = planAcquisition({
    ...rspec,
    available: ctx.store.available(ctx.now),
    random: ctx.store.random,
    userPort: account.userPort,
    natEnabled: ctx.natEnabled,
  });
  if (!plan.ok) throw unableToAcquire(plan.details);
  for (const group of plan.groups) {
    const acquired = acquireFromGroup(ctx, account, group, rspec.count);
    if (acquired) return acquired.map((node) => vesselInfo(node, ctx.now));
  }
  throw unableToAcquire(PARTIAL_FAILURE_DETAILS);
}

export function acquireSpecificVessels(ctx: ApiContext, [auth, handles]: XmlRpcValue[]): XmlRpcValue {
  const account = requireApiKeyAuth(ctx.store, auth);
  const list = requireHandleList(handles);
  const vessels = resolveHandles(ctx.store, [...new Set(list)]);
  requireCredits(ctx, account, vessels.length);
  const acquired: NodeRecord[] = [];
  for (const node of vessels) {
    if (!ctx.store.isAvailable(node, ctx.now) || !node.reachable) continue;
    ctx.store.acquire(node, account.username, ctx.now);
    acquired.push(node);
  }
  return acquired.map((node) => vesselInfo(node, ctx.now));
}

function requireCredits(ctx: ApiContext, account: AccountRecord, requested: number): void {
  if (requested + ctx.store.heldBy(account.username, ctx.now).length > account.maxVessels) {
    throw fault(FAULT_NOT_ENOUGH_CREDITS, ACQUIRE_CREDITS_TEXT);
  }
}

/**
 * acquireFromGroup tries candidates until `count` are acquired; a candidate whose node manager
 * refuses fails. Short of `count`, the ones acquired are released again (they go dirty, as a
 * real release does) and the result is undefined.
 */
function acquireFromGroup(ctx: ApiContext, account: AccountRecord, group: NodeRecord[], count: number): NodeRecord[] | undefined {
  const acquired: NodeRecord[] = [];
  for (const node of group) {
    if (acquired.length === count) break;
    if (!node.reachable) continue;
    ctx.store.acquire(node, account.username, ctx.now);
    acquired.push(node);
  }
  if (acquired.length === count) return acquired;
  for (const node of acquired) ctx.store.release(node, ctx.now);
  return undefined;
}
