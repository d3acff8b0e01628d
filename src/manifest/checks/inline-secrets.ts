/**
 * Secrets never appear in manifests: manifests are committed, diffed, printed and copied into
 * plans. Credentials are given by reference (`fromEnv` / `fromFile`). This check looks at every
 * mapping key in a document, whatever its kind, and never echoes the value it found.
 */
import { formatFieldPath, type FieldPath } from '../field-path.js';
import { report, type ManifestDocument } from '../manifest-document.js';
import { isRecord } from '../raw-value.js';

/** Normalised (lower-case, no `-`/`_`/`.`) key names that always hold a secret. */
const SECRET_SUFFIXES = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'privatekey', 'secretkey', 'accesskey'];
/** Containers where a bare `key` means a secret key rather than, say, a label key. */
const KEY_CONTAINERS = new Set(['credentials', 'options', 'identity']);
const REFERENCE_HINT = 'credentials are given by reference only (credentials.fromEnv or credentials.fromFile)';
const OPTION_HINT = 'secrets are given by reference only ({fromEnv: NAME} or {fromFile: path}) or through the Backend credentials';

/** checkInlineSecrets reports INLINE_SECRET for every secret-looking value in the document. */
export function checkInlineSecrets(document: ManifestDocument): void {
  const value = document.value;
  if (!isRecord(value)) return;
  const spec = value.spec;
  if (isRecord(spec) && 'credentials' in spec) checkCredentials(document, spec.credentials);
  walk(document, value, [], false);
}

/** Backend credentials hold exactly one reference; anything else in them is an inline value. */
function checkCredentials(document: ManifestDocument, credentials: unknown): void {
  const path: FieldPath = ['spec', 'credentials'];
  if (credentials === null || credentials === undefined) return;
  if (!isRecord(credentials)) {
    report(document, 'INLINE_SECRET', path, `inline secret at ${formatFieldPath(path)}: ${REFERENCE_HINT}`, { supersede: path });
    return;
  }
  for (const key of Object.keys(credentials)) {
    if (key === 'fromEnv' || key === 'fromFile') continue;
    const what = isSecretKey(key, true) ? 'inline secret' : 'inline credential';
    const keyPath = [...path, key];
    report(document, 'INLINE_SECRET', keyPath, `${what} at ${formatFieldPath(keyPath)}: ${REFERENCE_HINT}`, {
      anchor: 'key',
      supersede: path,
    });
  }
}

function walk(document: ManifestDocument, value: unknown, path: FieldPath, inKeyContainer: boolean): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(document, item, [...path, i], inKeyContainer));
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const childPath = [...path, key];
    if (isCredentialsBlock(childPath)) continue;
    if (isSecretKey(key, inKeyContainer) && holdsInlineValue(child)) {
      report(document, 'INLINE_SECRET', childPath, `inline secret at ${formatFieldPath(childPath)}: ${OPTION_HINT}`, {
        anchor: 'key',
        supersede: childPath,
      });
      continue;
    }
    walk(document, child, childPath, inKeyContainer || KEY_CONTAINERS.has(key));
  }
}

/** spec.credentials has its own, stricter rule (checkCredentials). */
function isCredentialsBlock(path: FieldPath): boolean {
  return path.length === 2 && path[0] === 'spec' && path[1] === 'credentials';
}

/** isSecretKey matches password, api_key, clientSecret, authToken… and `key` inside credentials/options. */
export function isSecretKey(key: string, inKeyContainer: boolean): boolean {
  const normalised = key.toLowerCase().replace(/[-_.]/g, '');
  if (inKeyContainer && normalised === 'key') return true;
  return SECRET_SUFFIXES.some((suffix) => normalised.endsWith(suffix));
}

/** A reference ({fromEnv} / {fromFile}), null or a boolean flag (`useToken: true`) holds no secret. */
function holdsInlineValue(value: unknown): boolean {
  if (value === null || value === undefined || typeof value === 'boolean') return false;
  if (!isRecord(value)) return true;
  const keys = Object.keys(value);
  const isReference = keys.length === 1 && (keys[0] === 'fromEnv' || keys[0] === 'fromFile');
  return !isReference;
}
