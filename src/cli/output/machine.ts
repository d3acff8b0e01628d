import type { RunEvent } from '../../engine/events.js';
import type { Diagnostic } from '../../manifest/types.js';

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

/** eventDocument is one `--json` event line: stamped, with the time it was printed (ISO 8601, UTC). */
export function eventDocument(event: RunEvent, now: Date = new Date()): object {
  return machineDocument('Event', { time: now.toISOString(), ...event });
}

/**
 * diagnosticsDocument is what `--json` prints when manifests are invalid (or a plan-time check
 * failed): the same diagnostic objects `validate --json` lists (file, line, col, severity, code,
 * message). `type: invalid-manifests` is kept for readers of the unversioned form.
 */
export function diagnosticsDocument(summary: string, items: readonly Diagnostic[]): object {
  return machineDocument('Diagnostics', { type: 'invalid-manifests', summary, diagnostics: items });
}
