/**
 * Observing Seattle: one get_resource_info (every live vessel of the account) and one
 * get_account_info (credits) per pass, whatever the number of VesselSets. The API has no tags,
 * so which vessels belong to which VesselSet comes from state (the handles recorded at acquire);
 * recorded handles missing from get_resource_info have expired or vanished and simply no longer
 * count. Live vessels recorded by no VesselSet are foreign and never touched.
 */
import { ConvergeError } from '../../errors/converge-error.js';
import type { ObjectRecord } from '../../state/types.js';
import type { DesiredObject, ObservedObject, ObserveContext } from '../driver.js';
import type { AccountInfo, SeattleApi, VesselInfo, VesselType } from './seattle-api.js';
import { DEFAULT_MARGIN_MS, recordedHandles, type VesselSetSpecNormalised } from './vessel-spec.js';

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
  const objects = ctx.records
    .filter((record) => record.kind === 'VesselSet' && !record.orphaned)
    .map((record) => {
      const vessels = Object.entries(recordedHandles(record.extra)).flatMap(([handle, type]) => {
        const info = byHandle.get(handle);
        return info ? [{ ...info, type }] : [];
      });
      vessels.forEach((v) => ownedHandles.add(v.handle));
      return observedSet(record.key, backend, vessels, marginFor(record.key, ctx.desired), ctx.now, api.username);
    });
  return { objects, view: { account, live, ownedHandles } };
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
