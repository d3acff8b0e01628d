// Types of scripts/gen-manifest-schema.mjs, for the tests that import it.
export const SCHEMA_DIR: string;
export const OUTPUT: string;
export const KIND_FILES: Record<'Backend' | 'Infrastructure' | 'Slice' | 'VesselSet', string>;
export function bundleManifestSchema(kindSchemas: Record<string, unknown>): Record<string, unknown>;
export function readKindSchemas(dir?: string): Record<string, Record<string, unknown>>;
export function renderManifestSchema(dir?: string): string;
