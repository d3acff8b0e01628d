/**
 * All checks that concern one document alone, as a list of named steps. Cross-document checks
 * (names, backend references) run afterwards over the whole set: see check-references.ts.
 */
import type { ManifestDocument } from '../manifest-document.js';
import { checkBackendType } from './check-backend-type.js';
import { checkConfigureRecipes } from './check-configure.js';
import { checkHeader } from './check-header.js';
import { checkInfrastructureMembers } from './check-members.js';
import { checkSchema } from './check-schema.js';
import { checkSliceMembers } from './check-slice.js';
import { checkUnits } from './check-units.js';
import { checkInlineSecrets } from './inline-secrets.js';

/**
 * checkDocument records every problem of one document in `document.diagnostics`. Order matters:
 * the specific checks run before the schema so that they can supersede its generic messages.
 */
export function checkDocument(document: ManifestDocument): void {
  checkHeader(document);
  checkInlineSecrets(document);
  const kind = document.kind;
  if (kind === undefined || !document.checkable) return;
  checkUnits(document, kind);
  if (kind === 'Infrastructure') {
    checkConfigureRecipes(document);
    checkInfrastructureMembers(document);
  }
  if (kind === 'Slice') checkSliceMembers(document);
  if (kind === 'Backend') checkBackendType(document);
  checkSchema(document, kind);
}
