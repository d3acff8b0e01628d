/**
 * Machine output (docs/JSON.md): every JSON document converge prints carries `apiVersion` (this
 * constant; bumped only for a change that breaks a reader) and a `kind` naming its shape. The
 * shapes are fixed by the JSON Schemas in schemas/output/.
 */

/** OUTPUT_API_VERSION versions every machine-readable document and event line. */
export const OUTPUT_API_VERSION = 'converge.output/v1';

/** OutputKind names the documented shapes. */
export type OutputKind = 'Plan' | 'Event' | 'Report' | 'Status' | 'Output' | 'Validation' | 'Diagnostics' | 'Error';

/** machineDocument stamps a document with its apiVersion and kind (first, for readers and humans). */
export function machineDocument<T extends object>(kind: OutputKind, body: T): { apiVersion: typeof OUTPUT_API_VERSION; kind: OutputKind } & T {
  return { apiVersion: OUTPUT_API_VERSION, kind, ...body };
}
