/**
 * Checks across the whole manifest set: one resource per kind and name, and every workload's
 * `spec.backend` names a Backend of a type that serves its kind. Runs on every document of a known
 * kind, valid or not, so that a schema error elsewhere does not hide these problems.
 */
import { locate, report, type ManifestDocument } from '../manifest-document.js';
import { formatLocation, stringAt } from '../raw-value.js';
import { BACKEND_KINDS, type BackendType, type Kind } from '../types.js';

interface BackendEntry {
  type: BackendType | undefined;
}

/** checkReferences reports DUPLICATE_NAME, MISSING_BACKEND and BACKEND_KIND_MISMATCH. */
export function checkReferences(documents: readonly ManifestDocument[]): void {
  const named = documents.filter((d) => d.kind !== undefined && stringAt(d.value, ['metadata', 'name']) !== undefined);
  const unique = checkDuplicateNames(named);
  const backends = new Map<string, BackendEntry>();
  for (const document of unique.filter((d) => d.kind === 'Backend')) {
    backends.set(nameOf(document), { type: backendType(stringAt(document.value, ['spec', 'type'])) });
  }
  for (const document of documents) {
    if (document.kind !== undefined && document.kind !== 'Backend' && document.checkable) {
      checkBackendReference(document, document.kind, backends);
    }
  }
}

/** checkDuplicateNames reports every repeat at its name and returns the first of each name. */
function checkDuplicateNames(documents: readonly ManifestDocument[]): ManifestDocument[] {
  const first = new Map<string, ManifestDocument>();
  for (const document of documents) {
    const key = `${document.kind}/${nameOf(document)}`;
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, document);
      continue;
    }
    const where = formatLocation(locate(earlier, ['metadata', 'name']));
    const name = JSON.stringify(nameOf(document));
    report(document, 'DUPLICATE_NAME', ['metadata', 'name'], `duplicate ${document.kind} ${name}: first defined at ${where}`);
  }
  return [...first.values()];
}

function checkBackendReference(document: ManifestDocument, kind: Kind, backends: Map<string, BackendEntry>): void {
  const name = stringAt(document.value, ['spec', 'backend']);
  if (name === undefined) return;
  const backend = backends.get(name);
  if (backend === undefined) {
    const known = backends.size === 0 ? 'no Backend is defined' : `defined: ${[...backends.keys()].join(', ')}`;
    report(document, 'MISSING_BACKEND', ['spec', 'backend'], `Backend ${JSON.stringify(name)} is not defined (${known})`);
    return;
  }
  if (backend.type === undefined || BACKEND_KINDS[backend.type].includes(kind)) return;
  const serves = BACKEND_KINDS[backend.type].join(', ');
  report(document, 'BACKEND_KIND_MISMATCH', ['spec', 'backend'],
    `Backend ${JSON.stringify(name)} has type ${backend.type}, which serves ${serves}, not ${kind}`);
}

function nameOf(document: ManifestDocument): string {
  return stringAt(document.value, ['metadata', 'name']) ?? '';
}

function backendType(type: string | undefined): BackendType | undefined {
  return type !== undefined && Object.hasOwn(BACKEND_KINDS, type) ? (type as BackendType) : undefined;
}
