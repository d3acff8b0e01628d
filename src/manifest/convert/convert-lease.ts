/** Slice and VesselSet manifests (leased resources) → their specs with defaults applied. */
import type { SliceSpec, VesselSetSpec } from '../types.js';
import { millisecondsOf } from './checked-units.js';
import type { SliceManifestSpec, VesselSetManifestSpec } from './manifest-shapes.js';

const DEFAULT_RENEWAL_MARGIN = '2d';

/** convertSliceSpec applies the defaults documented in schemas/slice.schema.json. */
export function convertSliceSpec(spec: SliceManifestSpec): SliceSpec {
  const result: SliceSpec = {
    backend: spec.backend,
    instantiation: spec.instantiation,
    nodes: spec.nodes ?? [],
    users: spec.users ?? [],
    tags: spec.tags ?? {},
    renewal: { marginMs: millisecondsOf(spec.renewal?.margin, DEFAULT_RENEWAL_MARGIN) },
    deletionPolicy: spec.deletionPolicy ?? 'Delete',
  };
  if (spec.description !== undefined) result.description = spec.description;
  if (spec.url !== undefined) result.url = spec.url;
  if (spec.controller !== undefined) result.controller = spec.controller;
  return result;
}

/** convertVesselSetSpec applies the defaults documented in schemas/vesselset.schema.json. */
export function convertVesselSetSpec(spec: VesselSetManifestSpec): VesselSetSpec {
  return {
    backend: spec.backend,
    vessels: {
      lan: spec.vessels.lan ?? 0,
      wan: spec.vessels.wan ?? 0,
      nat: spec.vessels.nat ?? 0,
      random: spec.vessels.random ?? 0,
    },
    renewal: { marginMs: millisecondsOf(spec.renewal?.margin, DEFAULT_RENEWAL_MARGIN) },
    deletionPolicy: spec.deletionPolicy ?? 'Delete',
  };
}
