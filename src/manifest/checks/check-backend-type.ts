/**
 * A Backend whose `type` the schema accepts but no driver serves fails at `validate`, located at
 * `spec.type`, instead of at `plan` with "not implemented". Types the schema does not know are
 * the schema's to report (an enum error at the same field).
 */
import { DRIVER_TYPES } from '../../backends/backend-types.js';
import { report, type ManifestDocument } from '../manifest-document.js';
import { isRecord } from '../raw-value.js';
import { schemaFor } from '../schema.js';

/** schemaBackendTypes is the Backend schema's `spec.type` enum. */
export function schemaBackendTypes(): string[] {
  const spec = (schemaFor('Backend').properties as Record<string, { properties?: Record<string, { enum?: string[] }> }>).spec;
  return [...(spec?.properties?.type?.enum ?? [])];
}

/** checkBackendType reports BACKEND_TYPE_UNSUPPORTED; `driverTypes` is injectable for tests. */
export function checkBackendType(document: ManifestDocument, schemaTypes: readonly string[] = schemaBackendTypes(), driverTypes: readonly string[] = DRIVER_TYPES): void {
  const spec = isRecord(document.value) ? document.value.spec : undefined;
  const type = isRecord(spec) ? spec.type : undefined;
  if (typeof type !== 'string' || !schemaTypes.includes(type) || driverTypes.includes(type)) return;
  report(
    document,
    'BACKEND_TYPE_UNSUPPORTED',
    ['spec', 'type'],
    `backend type ${JSON.stringify(type)} has no driver in this build of converge; the types it can drive are ${driverTypes.join(', ')}`,
  );
}
