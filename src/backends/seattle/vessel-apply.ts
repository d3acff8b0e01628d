/**
 * Changing a VesselSet: release the surplus (the vessels closest to expiry first), acquire what
 * is missing per type, then renew every vessel due (including fresh ones, which start with only 4
 * hours). Every change to the set of handles is returned as `extra`, which state records.
 *
 * Two API traps are handled here (apis/seattle.md §4, §9):
 * - one stale handle fails a whole release/renew batch with 102 and changes nothing: on 102 the
 *   handles are refreshed from get_resource_info, the gone ones dropped, and the rest retried once;
 * - an acquire whose reply is lost or late may still have happened: acquires are serialised per
 *   backend, so when exactly as many vessels as asked for appeared since just before the call,
 *   they are the ones it acquired (acquire is all-or-nothing) and are adopted at once; otherwise
 *   its intent stays unsettled and recover attributes them later (vessel-recover.ts).
 */
import { ConvergeError, isKind } from '../../errors/converge-error.js';
import type { ApplyContext, ApplyResult, DesiredObject, ObservedObject } from '../driver.js';
import { PartialResultError } from '../partial-result.js';
import { handleDigest } from './handle-digest.js';
import { VESSEL_TYPES, type SeattleApi, type VesselInfo, type VesselType } from './seattle-api.js';
import type { OwnedVessel, VesselSetDetail } from './vessel-observe.js';
import type { VesselSetSpecNormalised } from './vessel-spec.js';

export interface VesselApplyDeps {
  api: SeattleApi;
  /** serial runs acquires and releases one at a time, so a lost reply can be told from other calls. */
  serial: <T>(fn: () => Promise<T>) => Promise<T>;
}

export async function applyVesselSet(deps: VesselApplyDeps, desired: DesiredObject, observed: ObservedObject | undefined, ctx: ApplyContext): Promise<ApplyResult> {
  const want = desired.spec as unknown as VesselSetSpecNormalised;
  const detail = (observed?.detail as VesselSetDetail | undefined) ?? { vessels: [], marginMs: want.renewalMarginMs };
  const held = new Map(detail.vessels.map((v) => [v.handle, v]));
  // extra replaces what state keeps: pending acquires (vessel-attribution.ts) ride along.
  const pending = observed?.extra?.pending;
  const extra = () => ({ handles: Object.fromEntries([...held.values()].map((v) => [v.handle, v.type])), account: deps.api.username, ...(pending ? { pending } : {}) });
  let acquireError: unknown;
  try {
    // Releases are serialised with acquires too: a handle let go while an acquire is in flight
    // can be handed to that very acquire, and it would then look held before the call.
    await deps.serial(() => releaseSurplus(deps.api, detail.vessels, want, held, ctx));
    for (const type of VESSEL_TYPES) {
      const missing = want.vessels[type] - [...held.values()].filter((v) => v.type === type).length;
      if (missing <= 0 || acquireError) continue;
      try {
        for (const v of await deps.serial(() => acquire(deps.api, type, missing, ctx))) held.set(v.handle, { ...v, type });
      } catch (error) {
        acquireError = error; // renew what is held anyway, then report
      }
    }
    await renewDue(deps.api, [...held.values()], want.renewalMarginMs, ctx);
  } catch (error) {
    throw new PartialResultError(error, extra());
  }
  if (acquireError) throw new PartialResultError(acquireError, extra());
  return { extra: extra() };
}

async function releaseSurplus(api: SeattleApi, vessels: OwnedVessel[], want: VesselSetSpecNormalised, held: Map<string, OwnedVessel>, ctx: ApplyContext): Promise<void> {
  const surplus = VESSEL_TYPES.flatMap((type) => pickSurplus(vessels, type, want.vessels[type]));
  if (surplus.length === 0) return;
  ctx.progress(`release_resources ${surplus.length} vessel(s)`);
  await batch(api, 'release_resources', surplus.map((v) => v.handle), ctx);
  surplus.forEach((v) => held.delete(v.handle));
}

async function renewDue(api: SeattleApi, vessels: OwnedVessel[], marginMs: number, ctx: ApplyContext): Promise<void> {
  const due = vessels.filter((v) => v.expiresInSeconds * 1000 < marginMs).map((v) => v.handle);
  if (due.length === 0) return;
  ctx.progress(`renew_resources ${due.length} vessel(s)`);
  await batch(api, 'renew_resources', due, ctx);
}

export async function releaseVesselSet(deps: VesselApplyDeps, observed: ObservedObject, ctx: ApplyContext): Promise<ApplyResult> {
  const handles = ((observed.detail as VesselSetDetail | undefined)?.vessels ?? []).map((v) => v.handle);
  if (handles.length > 0) await deps.serial(() => batch(deps.api, 'release_resources', handles, ctx));
  return { extra: { handles: {} } };
}

/** pickSurplus chooses which vessels of a type to let go: closest to expiry first. */
function pickSurplus(vessels: OwnedVessel[], type: VesselType, wanted: number): OwnedVessel[] {
  const mine = vessels.filter((v) => v.type === type).sort((a, b) => a.expiresInSeconds - b.expiresInSeconds);
  return mine.slice(0, Math.max(0, mine.length - wanted));
}

async function acquire(api: SeattleApi, type: VesselType, count: number, ctx: ApplyContext): Promise<VesselInfo[]> {
  ctx.progress(`acquire_resources ${type}×${count}`);
  const before = new Set((await api.resourceInfo(ctx.signal)).map((v) => v.handle));
  // The vessels held just before the call go into the intent, so that after a crash the vessels
  // this acquire added can be told exactly from the ones held already (vessel-recover.ts).
  const context = { before: [...before].map(handleDigest) };
  try {
    return await ctx.mutate('acquire_resources', `${type}×${count}`, () => api.acquire(type, count, ctx.signal), (got) => ({ handles: got.map((v) => v.handle), type }), context);
  } catch (error) {
    if (!isKind(error, 'TRANSIENT')) throw error;
    const appeared = (await api.resourceInfo(ctx.signal)).filter((v) => !before.has(v.handle));
    if (appeared.length === count) {
      ctx.progress(`acquire_resources reply lost; adopted the ${count} vessel(s) it acquired`);
      return appeared;
    }
    // Not yet, or not only its vessels (another late acquire landed too): the intent stays
    // unsettled and recover attributes what it acquired with all the evidence (vessel-recover.ts).
    throw error;
  }
}

/** batch runs release/renew; on 102 (a stale handle fails the whole batch) it drops gone handles and retries once. */
async function batch(api: SeattleApi, method: 'release_resources' | 'renew_resources', handles: string[], ctx: ApplyContext): Promise<void> {
  // A release names what it lets go (as digests), so that recovery never credits a handle the
  // server may since have handed out again to an older acquire (vessel-recover.ts).
  const context = (list: string[]) => (method === 'release_resources' ? { released: list.map(handleDigest) } : undefined);
  const call = (list: string[]) =>
    ctx.mutate(method, `${list.length} vessel(s)`, () => (method === 'release_resources' ? api.release(list, ctx.signal) : api.renew(list, ctx.signal)), undefined, context(list));
  try {
    await call(handles);
  } catch (error) {
    if (!(error instanceof ConvergeError) || error.code !== 'SEATTLE_INVALID_REQUEST') throw error;
    const live = new Set((await api.resourceInfo(ctx.signal)).map((v) => v.handle));
    const remaining = handles.filter((h) => live.has(h));
    ctx.progress(`${method}: ${handles.length - remaining.length} stale handle(s) dropped; retrying ${remaining.length}`);
    if (remaining.length > 0) await call(remaining);
  }
}
