/**
 * Credentials are named in manifests (`fromEnv` / `fromFile`) and read only when a backend
 * connects, straight into a Secret. Nothing here ever puts a credential's content into a message.
 */
import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConvergeError } from '../errors/converge-error.js';
import { Secret } from '../errors/secret.js';
import { displayPath } from './diagnostics.js';
import { describeFsError } from './fs-errors.js';
import { report, type ManifestDocument } from './manifest-document.js';
import { isRecord, valueAt } from './raw-value.js';
import type { CredentialRef } from './types.js';

/**
 * resolveFromManifest resolves a path written in a manifest (fromFile, caFile) against the
 * directory of the manifest file that holds it (`resource.source.file`).
 */
export function resolveFromManifest(manifestFile: string, path: string): string {
  return resolve(dirname(manifestFile), path);
}

/**
 * readCredential reads the referenced environment variable or file (one trailing newline is
 * dropped from files). Throws ConvergeError INVALID / CREDENTIAL_UNREADABLE naming the variable
 * or path, never the content, when it is unset, empty or unreadable.
 */
export async function readCredential(ref: CredentialRef, manifestFile: string): Promise<Secret> {
  if ('fromEnv' in ref) {
    const value = process.env[ref.fromEnv];
    if (value === undefined || value === '') throw unreadable(`environment variable ${ref.fromEnv} is not set`, { env: ref.fromEnv });
    return new Secret(value, `env:${ref.fromEnv}`);
  }
  const path = resolveFromManifest(manifestFile, ref.fromFile);
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    throw unreadable(`cannot read credentials file ${path}: ${describeFsError(error)}`, { file: path }, error);
  }
  const value = content.replace(/\r?\n$/, '');
  if (value === '') throw unreadable(`credentials file ${path} is empty`, { file: path });
  return new Secret(value, `file:${path}`);
}

function unreadable(message: string, details: Record<string, string>, cause?: unknown): ConvergeError {
  return new ConvergeError('INVALID', 'CREDENTIAL_UNREADABLE', message, details, cause === undefined ? undefined : { cause });
}

/**
 * checkCredentialReferences reports CREDENTIAL_UNREADABLE for each Backend whose referenced
 * variable is unset or whose file is not a readable file. It does not read the content.
 */
export async function checkCredentialReferences(documents: readonly ManifestDocument[]): Promise<void> {
  for (const document of documents.filter((d) => d.kind === 'Backend')) {
    // fedd's client certificate and key are references too (spec.identity).
    for (const path of [['spec', 'credentials'], ['spec', 'identity', 'certificate'], ['spec', 'identity', 'key']]) {
      await checkReference(document, path);
    }
  }
}

async function checkReference(document: ManifestDocument, path: string[]): Promise<void> {
  const reference = valueAt(document.value, path);
  if (!isRecord(reference)) return;
  const { fromEnv, fromFile } = reference;
  if (typeof fromEnv === 'string' && !process.env[fromEnv]) {
    report(document, 'CREDENTIAL_UNREADABLE', [...path, 'fromEnv'], `environment variable ${fromEnv} is not set`);
  }
  if (typeof fromFile === 'string') {
    const problem = await fileProblem(resolveFromManifest(document.absoluteFile, fromFile));
    if (problem) report(document, 'CREDENTIAL_UNREADABLE', [...path, 'fromFile'], problem);
  }
}

async function fileProblem(path: string): Promise<string | undefined> {
  try {
    if (!(await stat(path)).isFile()) return `credentials file ${displayPath(path)} is not a regular file`;
    await access(path, constants.R_OK);
    return undefined;
  } catch (error) {
    return `cannot read credentials file ${displayPath(path)}: ${describeFsError(error)}`;
  }
}
