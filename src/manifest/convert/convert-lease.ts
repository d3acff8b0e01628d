/** Slice and VesselSet manifests (leased resources) → their specs with defaults applied. */
import type { SliceSpec, VesselSetSpec } from '../types.js';
import { millisecondsOf } from './checked-units.js';
import type { SliceManifestSpec, VesselSetManifestSpec } from './manifest-shapes.js';

const DEFAULT_RENEWAL_MARGIN = '2d';

const DEFAULT_RENEW_BEFORE = '7d';
/** DEFAULT_EXTEND_TO is PLC's renewal cap for non-admins: 8 weeks. */
const DEFAULT_EXTEND_TO = '56d';

/** convertSliceSpec applies the defaults documented in schemas/slice.schema.json. */
export function convertSliceSpec(spec: SliceManifestSpec): SliceSpec {
  const result: SliceSpec = {
    backend: spec.backend,
    name: spec.name,
    instantiation: spec.instantiation,
    nodes: spec.nodes ?? [],
    persons: spec.persons ?? [],
    tags: Object.fromEntries(Object.entries(spec.tags ?? {}).map(([name, value]) => [name, Array.isArray(value) ? [...value] : [value]])),
    slivers: convertSlivers(spec.slivers),
    renewal: {
      enabled: spec.renewal?.enabled ?? true,
      renewBeforeMs: millisecondsOf(spec.renewal?.renewBefore, DEFAULT_RENEW_BEFORE),
      extendToMs: millisecondsOf(spec.renewal?.extendTo, DEFAULT_EXTEND_TO),
    },
    deletionPolicy: spec.deletionPolicy ?? 'Delete',
  };
  if (spec.description !== undefined) result.description = spec.description;
  if (spec.url !== undefined) result.url = spec.url;
  if (spec.maxNodes !== undefined) result.maxNodes = spec.maxNodes;
  if (spec.controller !== undefined) result.controller = spec.controller;
  return result;
}

function convertSlivers(slivers: SliceManifestSpec['slivers']): SliceSpec['slivers'] {
  if (typeof slivers === 'string') return { default: slivers, nodes: {} };
  return { default: slivers?.default ?? 'running', nodes: { ...(slivers?.nodes ?? {}) } };
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
