/**
 * Turns a checked document (schema-valid, units valid, no errors) into its typed Resource. The
 * one switch on kind; each kind's conversion lives in its own file.
 */
import type { Kind, Metadata, Resource, SourceLocation } from '../types.js';
import { convertBackendSpec } from './convert-backend.js';
import { convertInfrastructureSpec } from './convert-infrastructure.js';
import { convertSliceSpec, convertVesselSetSpec } from './convert-lease.js';
import type {
  BackendManifestSpec,
  InfrastructureManifestSpec,
  ManifestShape,
  SliceManifestSpec,
  VesselSetManifestSpec,
} from './manifest-shapes.js';

/** convertResource builds the Resource of a document that passed every check. */
export function convertResource(kind: Kind, value: unknown, source: SourceLocation): Resource {
  const document = value as ManifestShape<Kind, unknown>;
  const { annotations } = document.metadata;
  const metadata: Metadata = {
    name: document.metadata.name,
    labels: { ...(document.metadata.labels ?? {}) },
    ...(annotations ? { annotations: { ...annotations } } : {}),
    ...(document.metadata.previousNames?.length ? { previousNames: [...document.metadata.previousNames] } : {}),
  };
  const apiVersion = 'converge/v1' as const;
  switch (kind) {
    case 'Backend':
      return { apiVersion, kind, metadata, spec: convertBackendSpec(document.spec as BackendManifestSpec), source };
    case 'Infrastructure':
      return { apiVersion, kind, metadata, spec: convertInfrastructureSpec(document.spec as InfrastructureManifestSpec), source };
    case 'Slice':
      return { apiVersion, kind, metadata, spec: convertSliceSpec(document.spec as SliceManifestSpec), source };
    case 'VesselSet':
      return { apiVersion, kind, metadata, spec: convertVesselSetSpec(document.spec as VesselSetManifestSpec), source };
  }
}
