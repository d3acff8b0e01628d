/**
 * Splits one manifest file into its YAML documents. Syntax problems become YAML_SYNTAX
 * diagnostics (all of them, every document); a document with syntax errors is not checked further,
 * and an empty document (a trailing `---`, only comments) is skipped. Anchors, aliases and `<<`
 * merge keys are allowed, so that systems can share a block of settings.
 */
import type { Document, LineCounter, YAMLError } from 'yaml';
import { fastParseDocuments } from './fast-yaml/fast-parse.js';
import { LazyDocument } from './lazy-document.js';
import { yaml } from './lazy-yaml.js';
import { positionOf } from './node-location.js';
import type { ManifestDocument } from './manifest-document.js';
import type { Diagnostic } from './types.js';
import { YAML_OPTIONS, YamlSource } from './yaml-source.js';

/** ParsedFile is the outcome for one file: checkable documents plus syntax problems. */
export interface ParsedFile {
  documents: ManifestDocument[];
  diagnostics: Diagnostic[];
}

/**
 * parseManifestFile parses `text`; `file` is the display path, `absoluteFile` the real one. The
 * fast path (fast-yaml/) takes a file whose documents all are mappings or empty and that it reads
 * exactly as `yaml` would; any other file, and every file with a problem, is parsed by `yaml`.
 */
export function parseManifestFile(text: string, file: string, absoluteFile: string): ParsedFile {
  return parseFast(text, file, absoluteFile) ?? parseReference(text, file, absoluteFile);
}

function parseFast(text: string, file: string, absoluteFile: string): ParsedFile | undefined {
  const fast = fastParseDocuments(text);
  if (fast === undefined || fast.some((d) => d.value !== null && d.rootOffset === undefined)) return undefined;
  const source = YamlSource.lazy(text);
  const documents: ManifestDocument[] = [];
  for (const { value, rootOffset } of fast) {
    if (value === null || rootOffset === undefined) continue;
    documents.push(new LazyDocument(file, absoluteFile, text, value, rootOffset, source));
  }
  return { documents, diagnostics: [] };
}

/** parseReference is the full `yaml` parse: every syntax problem, anchors, merge keys, tags. */
function parseReference(text: string, file: string, absoluteFile: string): ParsedFile {
  const lineCounter = new (yaml().LineCounter)();
  const parsed = yaml().parseAllDocuments(text, { lineCounter, ...YAML_OPTIONS });
  const result: ParsedFile = { documents: [], diagnostics: [] };
  if ('empty' in parsed) {
    result.diagnostics.push(...parsed.errors.map((e) => syntaxDiagnostic(e, file, lineCounter)));
    return result;
  }
  for (const doc of parsed) {
    const problems = [...doc.errors, ...doc.warnings].map((e) => syntaxDiagnostic(e, file, lineCounter, doc));
    result.diagnostics.push(...dedupeByPosition(problems));
    if (doc.errors.length > 0) continue;
    const value = toPlainValue(doc, file, lineCounter, result.diagnostics);
    if (value === null || value === undefined) continue;
    result.documents.push({
      file, absoluteFile, text, doc, lineCounter, value,
      checkable: true, diagnostics: [], superseded: [],
    });
  }
  return result;
}

/**
 * toPlainValue converts the tree; alias bombs, recursive aliases and other conversion failures
 * become diagnostics. A recursive alias (one inside the node its anchor names) would convert to a
 * cyclic value that every later check would follow forever.
 */
function toPlainValue(doc: Document.Parsed, file: string, lineCounter: LineCounter, out: Diagnostic[]): unknown {
  const recursive = recursiveAliases(doc, file, lineCounter);
  if (recursive.length > 0) {
    out.push(...recursive);
    return undefined;
  }
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    const { line, col } = positionOf(lineCounter, doc.range[0]);
    const message = error instanceof Error ? error.message : String(error);
    out.push({ severity: 'error', code: 'YAML_SYNTAX', message, file, line, col });
    return undefined;
  }
}

function recursiveAliases(doc: Document.Parsed, file: string, lineCounter: LineCounter): Diagnostic[] {
  const found: Diagnostic[] = [];
  yaml().visit(doc, {
    Alias(_key, alias, path) {
      const target = alias.resolve(doc);
      if (!target || !path.includes(target as never)) return;
      const { line, col } = positionOf(lineCounter, alias.range?.[0] ?? 0);
      const message = `the alias *${alias.source} refers to its own anchor &${alias.source}, which contains it: a recursive value cannot be a manifest`;
      found.push({ severity: 'error', code: 'YAML_SYNTAX', message, file, line, col });
    },
  });
  return found;
}

function syntaxDiagnostic(error: YAMLError, file: string, lineCounter: LineCounter, doc?: Document.Parsed): Diagnostic {
  const { offset, message } = pinpoint(error, doc);
  const { line, col } = positionOf(lineCounter, offset);
  const severity = error.name === 'YAMLWarning' ? 'warning' : 'error';
  return { severity, code: 'YAML_SYNTAX', message, file, line, col };
}

/** pinpoint sharpens the errors whose default position or wording sends users looking elsewhere. */
function pinpoint(error: YAMLError, doc: Document.Parsed | undefined): { offset: number; message: string } {
  const quoteStart = doc && error.code === 'MISSING_CHAR' ? unclosedQuoteStart(doc, error.pos[0]) : undefined;
  if (quoteStart !== undefined) return { offset: quoteStart, message: 'unclosed quoted string: the closing quote is missing' };
  const key = doc && error.code === 'DUPLICATE_KEY' ? keyAt(doc, error.pos[0]) : undefined;
  if (key !== undefined) {
    return { offset: error.pos[0], message: `duplicate mapping key ${JSON.stringify(key)} (each key may appear once in a mapping)` };
  }
  return { offset: error.pos[0], message: describeYamlError(error) };
}

/** keyAt names the scalar key that starts at `offset` (yaml reports duplicates at the key). */
function keyAt(doc: Document.Parsed, offset: number): string | undefined {
  let name: string | undefined;
  yaml().visit(doc, {
    Pair(_key, pair) {
      if (yaml().isScalar(pair.key) && pair.key.range?.[0] === offset) name = String(pair.key.value);
    },
  });
  return name;
}

/**
 * yaml reports a missing closing quote at the end of the input; the opening quote is where the
 * user has to look, so point there (the quoted scalar that runs up to the error).
 */
function unclosedQuoteStart(doc: Document.Parsed, errorOffset: number): number | undefined {
  let start: number | undefined;
  yaml().visit(doc, {
    Scalar(_key, node) {
      const range = node.range;
      if (!range || (node.type !== 'QUOTE_DOUBLE' && node.type !== 'QUOTE_SINGLE')) return;
      if (range[0] < errorOffset && range[2] >= errorOffset) start = range[0];
    },
  });
  return start;
}

/** describeYamlError keeps yaml's message but turns its codes into words users recognise. */
export function describeYamlError(error: YAMLError): string {
  switch (error.code) {
    case 'DUPLICATE_KEY':
      return 'duplicate mapping key (each key may appear once in a mapping)';
    case 'TAB_AS_INDENT':
      return 'tab character used for indentation (YAML indents with spaces)';
    default:
      return `${error.message.replace(/\.$/, '')} (${error.code})`;
  }
}

/** Several yaml errors often describe one mistake at one spot; keep the first per position. */
function dedupeByPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.line}:${d.col}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
