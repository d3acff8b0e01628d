/**
 * release_resources and renew_resources (seattle.md §4, §9). Both resolve every handle first (one
 * bad handle: 102 and nothing changes), then act only on vessels whose `acquired_by_user` is the
 * caller; others (released, reclaimed, someone else's) are skipped silently. Both return int 0.
 */
import type { XmlRpcValue } from '../../../../xmlrpc/value.js';
import type { ApiContext } from './context.js';
import { requireApiKeyAuth } from './auth.js';
import { overCreditLimit } from './faults.js';
import { requireHandleList, requireStringHandles, resolveHandles } from './handles.js';

export function releaseResources(ctx: ApiContext, [auth, handles]: XmlRpcValue[]): XmlRpcValue {
  const account = requireApiKeyAuth(ctx.store, auth);
  const vessels = resolveHandles(ctx.store, requireHandleList(handles));
  for (const node of vessels) {
    if (ctx.store.acquiredBy(node, ctx.now) === account.username) ctx.store.release(node, ctx.now);
  }
  return 0;
}

/**
 * renew resets each owned vessel to now + 7 days. An account over its credit limit (held >
 * max_vessels, e.g. after setCredits lowered it) gets 103 and nothing is renewed. A vessel just
 * past expiry but not yet reclaimed is still the caller's and comes back.
 */
export function renewResources(ctx: ApiContext, [auth, handles]: XmlRpcValue[]): XmlRpcValue {
  const account = requireApiKeyAuth(ctx.store, auth);
  const list = requireHandleList(handles);
  requireStringHandles(list);
  const vessels = resolveHandles(ctx.store, list);
  const held = ctx.store.heldBy(account.username, ctx.now).length;
  if (held > account.maxVessels) throw overCreditLimit(held, account.maxVessels);
  for (const node of vessels) {
    if (ctx.store.acquiredBy(node, ctx.now) === account.username) ctx.store.renew(node, ctx.now);
  }
  return 0;
}
