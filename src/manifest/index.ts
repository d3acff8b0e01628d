/**
 * The manifest module: load a directory of YAML manifests into typed, validated resources and
 * diagnostics (DESIGN §2). Everything downstream works on these types, never on raw YAML.
 */
export { loadManifests, type LoadOptions } from './load-manifests.js';
export { formatDiagnostic, hasErrors, displayPath } from './diagnostics.js';
export { readCredential, resolveFromManifest } from './credentials.js';
export { locateField } from './locate-field.js';
export { schemaFor, schemaFileFor, SCHEMA_DIR, type JsonSchema } from './schema.js';
export { parseSize, parseDuration, type UnitResult } from './units.js';
export { digestResources } from './digest.js';
export { canonicalJson } from '../util/json.js';
export { KINDS, API_VERSION } from './checks/check-header.js';
export type { FieldPath } from './field-path.js';
export * from './types.js';
