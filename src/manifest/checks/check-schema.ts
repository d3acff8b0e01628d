/**
 * Validates a document against its kind's JSON Schema. Problems already reported more precisely
 * (a bad unit, an inline secret) are not repeated as SCHEMA errors.
 */
import { isSuperseded, report, type ManifestDocument } from '../manifest-document.js';
import { describeSchemaErrors } from '../schema-errors.js';
import { validateAgainstSchema } from '../schema.js';
import type { Kind } from '../types.js';

/** checkSchema reports one SCHEMA diagnostic per readable schema problem. */
export function checkSchema(document: ManifestDocument, kind: Kind): void {
  const problems = describeSchemaErrors(validateAgainstSchema(kind, document.value));
  for (const problem of problems) {
    if (isSuperseded(document, problem.path)) continue;
    report(document, 'SCHEMA', problem.path, problem.message, { anchor: problem.anchor });
  }
}
