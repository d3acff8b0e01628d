/**
 * loadManifests is the manifest module's entry point: a directory in, typed resources and every
 * problem out. It never throws for a user error (bad YAML, bad schema, dangling references,
 * unreadable files); those come back as diagnostics, all of them, in file/line/column order.
 */
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
import { mapFilesInOrder, type ReadOutcome } from './read-manifest-files.js';
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
  for (const parsed of await mapFilesInOrder(listing.files, (file, read) => checkedFile(file, read, options.cache))) {
    for (const document of parsed.documents) documents.push(document);
    for (const diagnostic of parsed.diagnostics) diagnostics.push(diagnostic);
  }
  if (documents.length === 0 && diagnostics.length === 0) diagnostics.push(emptyDiagnostic(root, listing.files.length));
  checkReferences(documents);
  checkFeddPlacement(documents);
  if (options.checkCredentials) await checkCredentialReferences(documents);
  const resources = documents.filter((d) => !hasDocumentErrors(d)).map(toResource);
  diagnostics.push(...documents.flatMap((d) => d.diagnostics));
  // The file order costs a displayPath per file: only a set with two or more problems needs it.
  const sorted = diagnostics.length < 2 ? diagnostics : sortDiagnostics(diagnostics, [displayPath(root), ...listing.files.map(displayPath)]);
  return {
    dir: root,
    files: listing.files,
    resources,
    diagnostics: sorted,
    digest: digestResources(resources),
  };
}

/** checkedFile parses and checks one file alone, or takes it from the cache. */
function checkedFile(file: string, read: ReadOutcome, cache: ManifestCache | undefined): ParsedFile {
  if ('error' in read) {
    return { documents: [], diagnostics: [pathDiagnostic(file, 'READ_ERROR', `cannot read file: ${describeFsError(read.error)}`)] };
  }
  const reused = cache?.reuse(file, read.text);
  if (reused !== undefined) return reused;
  const parsed = parseManifestFile(read.text, displayPath(file), file);
  parsed.documents.forEach(checkDocument);
  cache?.store(file, read.text, parsed);
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

