/**
 * LazyDocument is a ManifestDocument read by the fast path (fast-yaml/): its `doc` is composed by
 * `yaml` only when a position inside it is first asked for, and its line counter is built once per
 * file (see yaml-source.ts).
 *
 * Why a class rather than an object literal with `get doc()`: V8 keeps an object literal with
 * accessors in dictionary mode, so every document was a hash table, and the checks, the
 * conversion and the cross-document checks read and write document fields many times per
 * document. Instances of one class share one shape. The accessors are on the prototype and the
 * state they read is in own properties, so manifest-cache.ts's copyDocument (the prototype and the
 * own property descriptors) copies a LazyDocument that stays lazy.
 */
import type { Document, LineCounter } from 'yaml';
import type { ManifestDocument } from './manifest-document.js';
import type { Diagnostic, Kind } from './types.js';
import type { YamlSource } from './yaml-source.js';
import type { FieldPath } from './field-path.js';

export class LazyDocument implements ManifestDocument {
  declare kind?: Kind;
  checkable = true;
  diagnostics: Diagnostic[] = [];
  superseded: FieldPath[] = [];
  /** composed is the document `yaml` composed for `doc`, once asked for. */
  composed: Document.Parsed | undefined = undefined;

  constructor(
    public file: string,
    public absoluteFile: string,
    public text: string,
    public value: unknown,
    public rootOffset: number,
    /** source is the file's, shared by its documents. */
    readonly source: YamlSource,
  ) {}

  get doc(): Document.Parsed {
    return (this.composed ??= this.source.documentAt(this.rootOffset));
  }

  get lineCounter(): LineCounter {
    return this.source.lineCounter;
  }
}
