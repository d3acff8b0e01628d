/**
 * Secrets never appear in manifests: manifests are committed, diffed, printed and copied into
 * plans. Credentials are given by reference (`fromEnv` / `fromFile`). This check looks at every
 * mapping key in a document, whatever its kind, and never echoes the value it found.
 */
import { detached } from '../detached.js';
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

/**
 * walk visits every mapping key below `value`; `path` is the current path, extended and restored
 * in place (copied only for a report), as this runs over every node of every document.
 */
function walk(document: ManifestDocument, value: unknown, path: FieldPath, inKeyContainer: boolean): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      path.push(i);
      walk(document, value[i], path, inKeyContainer);
      path.pop();
    }
    return;
  }
  if (!isRecord(value)) return;
  for (const key of Object.keys(value)) {
    const child = value[key];
    if (path.length === 1 && path[0] === 'spec' && key === 'credentials') continue;
    path.push(key);
    if (isSecretKey(key, inKeyContainer) && holdsInlineValue(child)) {
      const childPath = [...path];
      report(document, 'INLINE_SECRET', childPath, `inline secret at ${formatFieldPath(childPath)}: ${OPTION_HINT}`, {
        anchor: 'key',
        supersede: childPath,
      });
    } else {
      walk(document, child, path, inKeyContainer || KEY_CONTAINERS.has(key));
    }
    path.pop();
  }
}

/** isSecretKey matches password, api_key, clientSecret, authToken… and `key` inside credentials/options. */
export function isSecretKey(key: string, inKeyContainer: boolean): boolean {
  let kind = KEY_KINDS.get(key);
  if (kind === undefined) {
    if (KEY_KINDS.size >= KEY_KINDS_LIMIT) KEY_KINDS.clear();
    kind = keyKind(key);
    KEY_KINDS.set(detached(key), kind);
  }
  return kind === 'secret' || (inKeyContainer && kind === 'key');
}

/** keyKind: 'secret' for a secret name anywhere, 'key' for a bare `key` (a secret in a container). */
function keyKind(key: string): 'secret' | 'key' | 'plain' {
  const normalised = key.toLowerCase().replace(/[-_.]/g, '');
  if (normalised === 'key') return 'key';
  return SECRET_SUFFIXES.some((suffix) => normalised.endsWith(suffix)) ? 'secret' : 'plain';
}

/** KEY_KINDS remembers keyKind per key: documents repeat the same few dozen keys thousands of times. */
const KEY_KINDS = new Map<string, 'secret' | 'key' | 'plain'>();
const KEY_KINDS_LIMIT = 4096;

/** A reference ({fromEnv} / {fromFile}), null or a boolean flag (`useToken: true`) holds no secret. */
function holdsInlineValue(value: unknown): boolean {
  if (value === null || value === undefined || typeof value === 'boolean') return false;
  if (!isRecord(value)) return true;
  const keys = Object.keys(value);
  const isReference = keys.length === 1 && (keys[0] === 'fromEnv' || keys[0] === 'fromFile');
  return !isReference;
}
