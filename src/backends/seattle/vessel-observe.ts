/**
 * Observing Seattle: one get_resource_info (every live vessel of the account) and one
 * get_account_info (credits) per pass, whatever the number of VesselSets. The API has no tags,
 * so which vessels belong to which VesselSet comes from state (the handles recorded at acquire);
 * recorded handles missing from get_resource_info have expired or vanished and simply no longer
 * count. Live vessels recorded by no VesselSet are foreign and never touched, unless they are the
 * late landing of an acquire of unknown outcome that the set remembers (`lateLandings`).
 */
import { ConvergeError } from '../../errors/converge-error.js';
import type { ObjectRecord } from '../../state/types.js';
import type { DesiredObject, ObservedObject, ObserveContext } from '../driver.js';
import type { AccountInfo, SeattleApi, VesselInfo, VesselType } from './seattle-api.js';
import { DEFAULT_MARGIN_MS, recordedHandles, type VesselSetSpecNormalised } from './vessel-spec.js';
import { ACQUIRE_MEMORY_MS, attribute, recordedPending, suspects, type AcquireClaim, type PendingAcquire } from './vessel-attribution.js';

export interface OwnedVessel extends VesselInfo {
  type: VesselType;
}

/** VesselSetDetail is what update and delete need: the live vessels this VesselSet holds. */
export interface VesselSetDetail {
  vessels: OwnedVessel[];
  marginMs: number;
}

/** AccountView is the account-wide picture the plan-time credit check needs. */
export interface AccountView {
  account: AccountInfo;
  live: VesselInfo[];
  /** ownedHandles are live handles recorded by any VesselSet of this backend. */
  ownedHandles: Set<string>;
}

export async function observeVessels(api: SeattleApi, backend: string, ctx: ObserveContext): Promise<{ objects: ObservedObject[]; view: AccountView }> {
  const [live, account] = await Promise.all([api.resourceInfo(ctx.signal), api.accountInfo(ctx.signal)]);
  checkAccount(ctx.records, api.username);
  const byHandle = new Map(live.map((v) => [v.handle, v]));
  const ownedHandles = new Set<string>();
  const records = ctx.records.filter((record) => record.kind === 'VesselSet' && !record.orphaned);
  const late = lateLandings(records, live, ctx.now);
  const objects = records.map((record) => {
    const handles = { ...recordedHandles(record.extra), ...late.adopted.get(record.key) };
    const vessels = Object.entries(handles).flatMap(([handle, type]) => {
      const info = byHandle.get(handle);
      return info ? [{ ...info, type }] : [];
    });
    vessels.forEach((v) => ownedHandles.add(v.handle));
    const pending = late.pending.get(record.key) ?? [];
    const set = observedSet(record.key, backend, vessels, marginFor(record.key, ctx.desired), ctx.now, api.username);
    return withPending(set, pending, late.unclaimed);
  });
  return { objects, view: { account, live, ownedHandles } };
}

/**
 * lateLandings adopts the vessels of pending acquires (calls of unknown outcome that did not
 * land within the settle grace; vessel-recover.ts) that have landed since, when they can be told
 * apart (vessel-attribution.ts), and forgets pending acquires older than a vessel's lifetime.
 */
function lateLandings(records: readonly ObjectRecord[], live: VesselInfo[], now: Date) {
  const recorded = new Set(records.flatMap((r) => Object.keys(recordedHandles(r.extra))));
  const unclaimed = live.map((v) => v.handle).filter((h) => !recorded.has(h));
  const claims: AcquireClaim[] = records.flatMap((r) =>
    recordedPending(r.extra)
      .filter((p) => now.getTime() - Date.parse(p.since) < ACQUIRE_MEMORY_MS)
      .map((p) => ({ ...p, key: r.key })),
  );
  const found = attribute(claims, unclaimed);
  const adopted = new Map<string, Record<string, VesselType>>();
  const pending = new Map<string, PendingAcquire[]>();
  for (const claim of claims) {
    const handles = found.get(claim);
    if (handles) adopted.set(claim.key, { ...adopted.get(claim.key), ...Object.fromEntries(handles.map((h) => [h, claim.type])) });
    else pending.set(claim.key, [...(pending.get(claim.key) ?? []), { type: claim.type, count: claim.count, before: claim.before, since: claim.since }]);
  }
  const taken = new Set([...adopted.values()].flatMap((h) => Object.keys(h)));
  return { adopted, pending, unclaimed: unclaimed.filter((h) => !taken.has(h)) };
}

/**
 * withPending keeps a set's pending acquires in what state records. Vessels that one of them may
 * have acquired but that cannot be attributed are reported as degraded: converge cannot say they
 * are not its own, so it never calls the set converged while they are held.
 */
function withPending(set: ObservedObject, pending: PendingAcquire[], unclaimed: string[]): ObservedObject {
  if (pending.length === 0) return set;
  const doubtful = new Set(pending.flatMap((p) => suspects(p, unclaimed)));
  const extra = { ...set.extra, pending };
  if (doubtful.size === 0) return { ...set, extra };
  const calls = pending.map((p) => `${p.type}×${p.count}`).join(', ');
  const message =
    `${doubtful.size} vessel(s) held by the account but by no VesselSet appeared after acquire_resources ${calls} of this set, whose reply never came, ` +
    `and cannot be attributed with certainty; release them by hand if they are not someone else's (converge forgets that acquire 4 hours after it began)`;
  return { ...set, extra, status: { phase: 'degraded', message } };
}

function marginFor(key: string, desired: readonly DesiredObject[]): number {
  const spec = desired.find((d) => d.key === key)?.spec as unknown as VesselSetSpecNormalised | undefined;
  return spec?.renewalMarginMs ?? DEFAULT_MARGIN_MS;
}

/**
 * checkAccount: vessels are held per account, and a set's handles are only meaningful for the
 * account that acquired them. Under another account they would all look expired, and converge
 * would acquire a second set: that is an identity mismatch (UNAUTHORIZED), not absence.
 */
function checkAccount(records: readonly ObjectRecord[], username: string): void {
  const other = records.find((r) => r.kind === 'VesselSet' && !r.orphaned && typeof r.extra?.account === 'string' && r.extra.account !== username);
  if (other) {
    throw new ConvergeError('UNAUTHORIZED', 'SEATTLE_OTHER_ACCOUNT', `${other.key} holds vessels of Seattle account ${JSON.stringify(other.extra!.account)}, not ${JSON.stringify(username)}`, { key: other.key });
  }
}

function observedSet(key: string, backend: string, vessels: OwnedVessel[], marginMs: number, now: Date, account: string): ObservedObject {
  const counts: Record<VesselType, number> = { lan: 0, wan: 0, nat: 0, random: 0 };
  for (const v of vessels) counts[v.type] += 1;
  const due = vessels.filter((v) => v.expiresInSeconds * 1000 < marginMs).length;
  const inactive = vessels.filter((v) => !v.isActive).length;
  const earliest = Math.min(...vessels.map((v) => v.expiresInSeconds));
  const detail: VesselSetDetail = { vessels, marginMs };
  return {
    key,
    kind: 'VesselSet',
    backend,
    ids: {},
    spec: { vessels: counts, renewalDue: due },
    status: { phase: 'ready', ...(inactive > 0 ? { message: `${inactive} vessel(s) on inactive nodes` } : {}) },
    detail,
    ...(vessels.length > 0 ? { access: { endpoints: vessels.map((v) => ({ of: `${v.type} vessel ${shortHandle(v.handle)}`, host: v.nodeIp, port: v.nodePort })) } } : {}),
    // Handles that expired or vanished are forgotten: a handle can be handed out again later.
    extra: { handles: Object.fromEntries(vessels.map((v) => [v.handle, v.type])), account },
    ...(vessels.length > 0
      ? {
          lease: {
            endsAt: new Date(now.getTime() + earliest * 1000).toISOString(),
            renewAt: new Date(now.getTime() + earliest * 1000 - marginMs).toISOString(),
          },
        }
      : {}),
  };
}

/** shortHandle names a vessel by its vessel name and a node-key prefix (handles are `<node key>:<vessel>`). */
function shortHandle(handle: string): string {
  const cut = handle.lastIndexOf(':');
  if (cut < 0) return handle.slice(0, 12);
  const node = handle.slice(0, cut).replace(/^[0-9]+ /, '');
  return `${handle.slice(cut + 1)}@${node.slice(0, 8)}`;
}
