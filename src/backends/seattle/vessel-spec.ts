/**
 * The normalised spec of a VesselSet: vessel counts per type, and how many held vessels are due
 * for renewal (desired: none). Leases are desired state (DESIGN §3): a vessel with less than the
 * renewal margin left is drift, and renewing it is an update. The margin rides along in the
 * desired spec for observe and apply, and is not diffed.
 */
import type { VesselSetResource } from '../../manifest/types.js';
import type { JsonObject } from '../../util/json.js';
import type { DesiredObject, PlanHooks } from '../driver.js';
import type { VesselType } from './seattle-api.js';

export interface VesselSetSpecNormalised {
  vessels: Record<VesselType, number>;
  renewalDue: number;
  renewalMarginMs: number;
}

/** VesselRecordExtra is what state keeps per VesselSet: the API has no tags, so handles are ours. */
export interface VesselRecordExtra {
  handles: Record<string, VesselType>;
}

export const DEFAULT_MARGIN_MS = 2 * 24 * 3600 * 1000;

export const VESSEL_HOOKS: PlanHooks = { immutable: [], ignored: ['renewalMarginMs'] };

export function expandVesselSet(resource: VesselSetResource): DesiredObject[] {
  const key = `VesselSet/${resource.metadata.name}`;
  const spec: VesselSetSpecNormalised = { vessels: { ...resource.spec.vessels }, renewalDue: 0, renewalMarginMs: resource.spec.renewal.marginMs };
  return [
    {
      key,
      resource: key,
      kind: 'VesselSet',
      backend: resource.spec.backend,
      spec: spec as unknown as JsonObject,
      deletionPolicy: resource.spec.deletionPolicy,
      dependsOn: [],
    },
  ];
}

export function recordedHandles(extra: Record<string, unknown> | undefined): Record<string, VesselType> {
  const handles = (extra as Partial<VesselRecordExtra> | undefined)?.handles;
  return handles && typeof handles === 'object' ? { ...handles } : {};
}
