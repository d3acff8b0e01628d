/**
 * ManifestCache lets a long-running process (the watch controller) load a manifest directory
 * again without parsing and checking the files that did not change. Per file it keeps the last
 * content read and what parsing and the single-document checks (checks/check-document.ts) made
 * of it. A file is reused only when its content now is exactly the content then (string
 * equality: no hash to collide); everything that depends on more than one file (names,
 * references, fedd placement, credential files) is checked again on every load, and a file no
 * longer listed is dropped. So a reload with the cache gives the same set as one without it.
 */
import type { ManifestDocument } from './manifest-document.js';
import type { ParsedFile } from './parse-manifest-file.js';

interface CachedFile {
  text: string;
  parsed: ParsedFile;
}

/** LoadStats says what the last load did per file (for tests, logs and metrics). */
export interface LoadStats {
  /** parsed: files read and parsed (new or changed); reused: files taken from the cache. */
  parsed: string[];
  reused: string[];
  /** dropped: files cached before and no longer listed (deleted or renamed). */
  dropped: string[];
}

export class ManifestCache {
  readonly #files = new Map<string, CachedFile>();
  #stats: LoadStats = { parsed: [], reused: [], dropped: [] };

  /** lastLoad is what the most recent load parsed, reused and dropped. */
  get lastLoad(): LoadStats {
    return this.#stats;
  }

  /** begin starts a load of `files` (absolute paths): entries of files not listed are dropped. */
  begin(files: readonly string[]): void {
    const listed = new Set(files);
    const dropped = [...this.#files.keys()].filter((file) => !listed.has(file));
    dropped.forEach((file) => this.#files.delete(file));
    this.#stats = { parsed: [], reused: [], dropped };
  }

  /** reuse gives fresh copies of the checked documents of `file` if `text` is what was cached. */
  reuse(file: string, text: string): ParsedFile | undefined {
    const cached = this.#files.get(file);
    if (cached === undefined || cached.text !== text) return undefined;
    this.#stats.reused.push(file);
    return { documents: cached.parsed.documents.map(copyDocument), diagnostics: [...cached.parsed.diagnostics] };
  }

  /** store keeps `parsed` (its documents checked alone, not yet across files) for `file`. */
  store(file: string, text: string, parsed: ParsedFile): void {
    this.#stats.parsed.push(file);
    this.#files.set(file, { text, parsed: { documents: parsed.documents.map(copyDocument), diagnostics: [...parsed.diagnostics] } });
  }
}

/**
 * copyDocument copies a document so that the cross-file checks of one load do not add to the
 * cached one. Property descriptors are copied, not values: a lazily composed `doc` stays lazy.
 */
function copyDocument(document: ManifestDocument): ManifestDocument {
  const copy = Object.create(Object.getPrototypeOf(document), Object.getOwnPropertyDescriptors(document)) as ManifestDocument;
  copy.diagnostics = [...document.diagnostics];
  copy.superseded = [...document.superseded];
  return copy;
}
