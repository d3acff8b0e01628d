/**
 * The plan-time credit check (issue: account limits are checked in the plan, before any call
 * that changes anything): the vessels all VesselSets of this backend want, plus the vessels the
 * account holds outside converge, must fit in the account's max_vessels. Otherwise each
 * VesselSet that would acquire gets a diagnostic naming the limit.
 */
import type { DesiredObject, ObservedObject, PlanProblem } from '../driver.js';
import { VESSEL_TYPES } from './seattle-api.js';
import type { AccountView } from './vessel-observe.js';
import type { VesselSetSpecNormalised } from './vessel-spec.js';

export function checkCredits(view: AccountView | undefined, desired: readonly DesiredObject[], observed: readonly ObservedObject[]): PlanProblem[] {
  if (!view) return [];
  const total = (spec: { vessels: Record<string, number> }): number => VESSEL_TYPES.reduce((n, t) => n + (spec.vessels[t] ?? 0), 0);
  const wanted = desired.reduce((n, d) => n + total(d.spec as unknown as VesselSetSpecNormalised), 0);
  const outside = view.live.filter((v) => !view.ownedHandles.has(v.handle)).length;
  if (wanted + outside <= view.account.maxVessels) return [];
  const observedByKey = new Map(observed.map((o) => [o.key, o]));
  return desired
    .filter((d) => total(d.spec as unknown as VesselSetSpecNormalised) > total((observedByKey.get(d.key)?.spec as { vessels: Record<string, number> } | undefined) ?? { vessels: {} }))
    .map((d) => {
      const spec = d.spec as unknown as VesselSetSpecNormalised;
      const parts = VESSEL_TYPES.filter((t) => spec.vessels[t] > 0).map((t) => `${t} ${spec.vessels[t]}`).join(', ');
      return {
        key: d.key,
        path: ['spec', 'vessels'],
        code: 'ACCOUNT_LIMIT',
        message:
          `${d.key} asks for ${total(spec)} vessel(s) (${parts}), but account ${view.account.username} allows max_vessels ${view.account.maxVessels}: ` +
          `converge wants ${wanted} in all and ${outside} are held outside converge`,
      };
    });
}
