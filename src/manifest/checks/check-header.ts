/**
 * The header (apiVersion, kind) decides which schema a document is checked against. An unknown
 * kind or an unsupported apiVersion is reported once, at that field, and the kind-specific checks
 * are skipped (their messages would be noise about a shape we do not know).
 */
import { report, type ManifestDocument } from '../manifest-document.js';
import { isRecord } from '../raw-value.js';
import type { Kind } from '../types.js';

/** KINDS lists the manifest kinds this version reads, in documentation order. */
export const KINDS: readonly Kind[] = ['Backend', 'Infrastructure', 'Slice', 'VesselSet'];
/** API_VERSION is the only apiVersion this version reads. */
export const API_VERSION = 'converge/v1';

/** checkHeader sets `document.kind` and `document.checkable`, reporting header problems. */
export function checkHeader(document: ManifestDocument): void {
  const value = document.value;
  if (!isRecord(value)) {
    report(document, 'SCHEMA', [], 'a manifest document must be a mapping with apiVersion, kind, metadata and spec');
    document.checkable = false;
    return;
  }
  checkApiVersion(document, value);
  checkKind(document, value);
}

function checkApiVersion(document: ManifestDocument, value: Record<string, unknown>): void {
  if (!('apiVersion' in value) || value.apiVersion === API_VERSION) return;
  report(
    document,
    'UNSUPPORTED_API_VERSION',
    ['apiVersion'],
    `unsupported apiVersion ${JSON.stringify(value.apiVersion)}; this version of converge reads ${API_VERSION}`,
  );
  document.checkable = false;
}

function checkKind(document: ManifestDocument, value: Record<string, unknown>): void {
  const kind = value.kind;
  if (!('kind' in value)) {
    report(document, 'SCHEMA', [], 'missing required field kind');
    return;
  }
  const known = KINDS.find((k) => k === kind);
  if (known) {
    document.kind = known;
    return;
  }
  const similar = typeof kind === 'string' ? KINDS.find((k) => k.toLowerCase() === kind.toLowerCase()) : undefined;
  const hint = similar ? ` (kinds are case-sensitive: did you mean ${similar}?)` : '';
  report(document, 'UNKNOWN_KIND', ['kind'], `unknown kind ${JSON.stringify(kind)}; expected one of ${KINDS.join(', ')}${hint}`);
}
