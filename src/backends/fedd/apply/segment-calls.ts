/**
 * The four mutating calls on a segment, each journaled through `ctx.mutate` before it is sent
 * (DESIGN §5) with the testbed and allocation in its context, so that a later run can settle it:
 * RequestAccess records the allocation it was granted as the call's outcome, before anything
 * uses it, so a run that dies after the reply still knows the allocation (recover adopts it).
 */
import type { ApplyContext } from '../../driver.js';
import type { AccessApi, StartRequest } from '../wire/access-api.js';
import type { XmlRpcStruct } from '../../../xmlrpc/value.js';

const short = (allocId: string): string => `fedid:${allocId.slice(0, 12)}…`;

/** requestAccess asks `api`'s testbed for an allocation and returns its fedid (hex). */
export async function requestAccess(api: AccessApi, credentials: string[], services: XmlRpcStruct[], ctx: ApplyContext): Promise<string> {
  ctx.progress(`RequestAccess on ${api.testbed}`);
  const granted = await ctx.mutate(
    'RequestAccess',
    api.testbed,
    () => api.requestAccess(credentials, services, ctx.signal),
    (g) => ({ testbed: api.testbed, allocId: g.allocId }),
    { testbed: api.testbed },
  );
  return granted.allocId;
}

/** startSegment starts the segment; it returns when the segment is up (or throws). */
export async function startSegment(api: AccessApi, allocId: string, request: StartRequest, ctx: ApplyContext): Promise<void> {
  ctx.progress(`StartSegment on ${api.testbed} (${short(allocId)})`);
  await ctx.mutate('StartSegment', `${api.testbed} ${short(allocId)}`, () => api.startSegment(allocId, request, ctx.signal), undefined, { testbed: api.testbed, allocId });
}

/** terminateSegment frees the segment's resources (the allocation stays); `gone` if the allocation is. */
export function terminateSegment(api: AccessApi, allocId: string, force: boolean, ctx: ApplyContext): Promise<'done' | 'gone'> {
  ctx.progress(`TerminateSegment on ${api.testbed} (${short(allocId)}${force ? ', force' : ''})`);
  return ctx.mutate('TerminateSegment', `${api.testbed} ${short(allocId)}`, () => api.terminateSegment(allocId, force, ctx.signal), undefined, { testbed: api.testbed, allocId, force });
}

/** releaseAccess drops the allocation; `gone` if it was already. */
export function releaseAccess(api: AccessApi, allocId: string, ctx: ApplyContext): Promise<'done' | 'gone'> {
  ctx.progress(`ReleaseAccess on ${api.testbed} (${short(allocId)})`);
  return ctx.mutate('ReleaseAccess', `${api.testbed} ${short(allocId)}`, () => api.releaseAccess(allocId, ctx.signal), undefined, { testbed: api.testbed, allocId });
}

/** tearDown terminates a segment and releases its allocation; a gone allocation is done. */
export async function tearDown(api: AccessApi, allocId: string, force: boolean, ctx: ApplyContext): Promise<void> {
  if ((await terminateSegment(api, allocId, force, ctx)) === 'gone') return;
  await releaseAccess(api, allocId, ctx);
}
