/**
 * loadManifests is the manifest module's entry point: a directory in, typed resources and every
 * problem out. It never throws for a user error (bad YAML, bad schema, dangling references,
 * unreadable files); those come back as diagnostics, all of them, in file/line/column order.
 */
import { readFile as readFileWithCallback } from 'node:fs';
import { promisify } from 'node:util';
import { resolve } from 'node:path';
import { checkDocument } from './checks/check-document.js';
import { checkReferences } from './checks/check-references.js';
import { checkFeddPlacement } from './checks/check-fedd.js';
import { convertResource } from './convert/convert-resource.js';
import { checkCredentialReferences } from './credentials.js';
import { displayPath, sortDiagnostics } from './diagnostics.js';
import { digestResources } from './digest.js';
import { findManifestFiles } from './find-manifest-files.js';
import { describeFsError } from './fs-errors.js';
import { rememberSource } from './locate-field.js';
import { hasDocumentErrors, locate, type ManifestDocument } from './manifest-document.js';
import type { ManifestCache } from './manifest-cache.js';
import { parseManifestFile, type ParsedFile } from './parse-manifest-file.js';
import { prepareValidators } from './schema.js';
import type { Diagnostic, DiagnosticCode, ManifestSet, Resource } from './types.js';

/**
 * LoadOptions: checkCredentials also verifies that each referenced env var / file is readable;
 * cache (watch mode) skips parsing and single-document checks of files whose content is unchanged.
 */
export interface LoadOptions {
  checkCredentials?: boolean;
  cache?: ManifestCache;
}

/**
 * loadManifests reads every manifest under `dir` (see findManifestFiles). `resources` holds only
 * documents without errors; if `diagnostics` holds any error the set is invalid (see hasErrors).
 * `dir` and `files` are absolute; diagnostics and `source` name files by displayPath.
 */
export async function loadManifests(dir: string, options: LoadOptions = {}): Promise<ManifestSet> {
  const root = resolve(dir);
  const [listing] = await Promise.all([findManifestFiles(root), prepareValidators()]);
  const diagnostics = listing.problems.map((p) => pathDiagnostic(p.path, 'READ_ERROR', p.message));
  const documents: ManifestDocument[] = [];
  options.cache?.begin(listing.files);
  for (const parsed of await mapInOrder(listing.files, READS_IN_FLIGHT, (file) => readCheckedFile(file, options.cache))) {
    documents.push(...parsed.documents);
    diagnostics.push(...parsed.diagnostics);
  }
  if (documents.length === 0 && diagnostics.length === 0) diagnostics.push(emptyDiagnostic(root, listing.files.length));
  checkReferences(documents);
  checkFeddPlacement(documents);
  if (options.checkCredentials) await checkCredentialReferences(documents);
  const resources = documents.filter((d) => !hasDocumentErrors(d)).map(toResource);
  diagnostics.push(...documents.flatMap((d) => d.diagnostics));
  const fileOrder = [displayPath(root), ...listing.files.map(displayPath)];
  return {
    dir: root,
    files: listing.files,
    resources,
    diagnostics: sortDiagnostics(diagnostics, fileOrder),
    digest: digestResources(resources),
  };
}

/** readFile: the callback API, promisified, costs about half the CPU of fs/promises' per small file. */
const readFile = promisify(readFileWithCallback);

/** READS_IN_FLIGHT: files read at once (the reads overlap in libuv's pool; parsing stays in order). */
const READS_IN_FLIGHT = 32;

/** mapInOrder runs `work` over `items` with at most `limit` in flight and keeps their order. */
async function mapInOrder<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** readCheckedFile reads, parses and checks one file alone, or takes it from the cache. */
async function readCheckedFile(file: string, cache: ManifestCache | undefined): Promise<ParsedFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { documents: [], diagnostics: [pathDiagnostic(file, 'READ_ERROR', `cannot read file: ${describeFsError(error)}`)] };
  }
  const reused = cache?.reuse(file, text);
  if (reused !== undefined) return reused;
  const parsed = parseManifestFile(text, displayPath(file), file);
  parsed.documents.forEach(checkDocument);
  cache?.store(file, text, parsed);
  return parsed;
}

/** toResource converts a document without errors and remembers its YAML for locateField. */
function toResource(document: ManifestDocument): Resource {
  if (document.kind === undefined) throw new Error('internal: a document without a known kind has no errors');
  const resource = convertResource(document.kind, document.value, locate(document, []));
  rememberSource(resource, document);
  return resource;
}

/** emptyDiagnostic: no documents at all is an error, so that a wrong path never means "delete all". */
function emptyDiagnostic(root: string, fileCount: number): Diagnostic {
  const where = displayPath(root);
  const message =
    fileCount === 0
      ? `no manifests found in ${where} (expected *.yaml or *.yml files)`
      : `no manifest documents in ${where}: its ${fileCount} YAML file(s) hold only empty documents`;
  return pathDiagnostic(root, 'EMPTY_DIRECTORY', message);
}

/** pathDiagnostic is a problem with a whole file or directory, reported at its first position. */
function pathDiagnostic(path: string, code: DiagnosticCode, message: string): Diagnostic {
  return { severity: 'error', code, message, file: displayPath(path), line: 1, col: 1 };
}

