/**
 * ManifestDocument is one YAML document on its way through the loader: the parsed tree (for
 * positions), its plain value (for checks), and the problems found in it so far. A document with
 * any error is never turned into a resource.
 */
import type { Document, LineCounter } from 'yaml';
import { type FieldPath, isWithin } from './field-path.js';
import { type Anchor, locateOffset, positionOf } from './node-location.js';
import type { Diagnostic, DiagnosticCode, Kind, Severity, SourceLocation } from './types.js';

export interface ManifestDocument {
  /** file is the display path (see displayPath); absoluteFile resolves fromFile references. */
  file: string;
  absoluteFile: string;
  /** text is the whole file, shared by the documents in it. */
  text: string;
  /** doc and lineCounter may be built on first use (see yaml-source.ts): read them only to locate. */
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** rootOffset, when known without `doc`, is where the document's root mapping starts. */
  rootOffset?: number;
  value: unknown;
  /** kind is set once the header names a known kind. */
  kind?: Kind;
  /** checkable is false when the apiVersion is unsupported: kind-specific checks are skipped. */
  checkable: boolean;
  diagnostics: Diagnostic[];
  /** superseded paths had a specific problem reported; SCHEMA errors at or below them are dropped. */
  superseded: FieldPath[];
}

/** ReportOptions: where to point (`key` or `value`, default value) and how bad it is. */
export interface ReportOptions {
  anchor?: Anchor;
  severity?: Severity;
  /** supersede drops SCHEMA errors at or below this path (a clearer diagnostic was given). */
  supersede?: FieldPath;
}

/** report records a problem at `path` of the document, located at the precise YAML node. */
export function report(
  document: ManifestDocument,
  code: DiagnosticCode,
  path: FieldPath,
  message: string,
  options: ReportOptions = {},
): void {
  const offset = locateOffset(document.doc, path, options.anchor ?? 'value');
  reportAtOffset(document, code, offset, message, options.severity);
  if (options.supersede) document.superseded.push(options.supersede);
}

/** reportAtOffset records a problem at a known source offset. */
export function reportAtOffset(
  document: ManifestDocument,
  code: DiagnosticCode,
  offset: number,
  message: string,
  severity: Severity = 'error',
): void {
  const { line, col } = positionOf(document.lineCounter, offset);
  document.diagnostics.push({ severity, code, message, file: document.file, line, col });
}

/** locate gives the file:line:col of a path in the document (for "first defined at" messages). */
export function locate(document: ManifestDocument, path: FieldPath, anchor: Anchor = 'value'): SourceLocation {
  // The whole document's value is its root mapping's start: known without composing the document.
  const whole = path.length === 0 && anchor === 'value' ? document.rootOffset : undefined;
  const { line, col } = positionOf(document.lineCounter, whole ?? locateOffset(document.doc, path, anchor));
  return { file: document.file, line, col };
}

/** isSuperseded is true when a clearer diagnostic already covers `path`. */
export function isSuperseded(document: ManifestDocument, path: FieldPath): boolean {
  return document.superseded.some((ancestor) => isWithin(path, ancestor));
}

/** hasDocumentErrors is true when the document must not become a resource. */
export function hasDocumentErrors(document: ManifestDocument): boolean {
  return document.diagnostics.some((d) => d.severity === 'error');
}
