/**
 * The JSON Schemas (schemas/<kind>.schema.json, draft 2020-12) are the single description of the
 * manifest format: the loader validates with them and `converge schema` prints them for editors.
 * They are read and compiled once per process, on first use.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { ConvergeError } from '../errors/converge-error.js';
import { loadPrecompiled } from './precompiled-validators.js';
import type { Kind } from './types.js';

/** JsonSchema is a parsed schema document; treat it as read-only. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * SCHEMA_DIR is the project's schemas/ directory, found by walking up from this module to the
 * first directory holding both `schemas/` and `package.json`: works from src/ (vitest, tsx) and
 * from dist/src/ (compiled) alike.
 */
export const SCHEMA_DIR: string = findSchemaDir(dirname(fileURLToPath(import.meta.url)));

const FILE_NAMES: Record<Kind, string> = {
  Backend: 'backend',
  Infrastructure: 'infrastructure',
  Slice: 'slice',
  VesselSet: 'vesselset',
};

/** AJV_OPTIONS: scripts/gen-validators.mjs compiles with the same (they are in its digest). */
const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, strictRequired: false };

let schemas: Map<Kind, JsonSchema> | undefined;
let validators: Map<Kind, ValidateFunction> | undefined;
let precompiled: Promise<void> | undefined;

/** schemaFileFor is the absolute path of a kind's schema file. */
export function schemaFileFor(kind: Kind): string {
  return join(SCHEMA_DIR, `${FILE_NAMES[kind]}.schema.json`);
}

/** schemaFor returns the JSON Schema of a kind (the object `converge schema` prints). */
export function schemaFor(kind: Kind): JsonSchema {
  schemas ??= new Map();
  let schema = schemas.get(kind);
  if (schema === undefined) {
    schema = JSON.parse(readFileSync(schemaFileFor(kind), 'utf8')) as JsonSchema;
    schemas.set(kind, schema);
  }
  return schema;
}

/**
 * manifestSchema returns schemas/manifest.schema.json: one schema for any manifest document, which
 * selects its kind's schema by `kind` (generated from the kinds' schemas by `npm run schemas`).
 * It is what `converge schema` prints with no kind and what the examples' modelines name.
 */
export function manifestSchema(): JsonSchema {
  return JSON.parse(readFileSync(join(SCHEMA_DIR, 'manifest.schema.json'), 'utf8')) as JsonSchema;
}

/**
 * validateAgainstSchema checks a plain document value against its kind's schema and returns
 * every error (allErrors), or an empty list. Errors are verbose (they carry their schema) and
 * hold the offending data, so never print them raw: see describeSchemaErrors.
 */
export function validateAgainstSchema(kind: Kind, value: unknown): ErrorObject[] {
  validators ??= compileAll();
  const validate = validators.get(kind);
  if (validate === undefined) throw new ConvergeError('TERMINAL', 'SCHEMA_MISSING', `no schema compiled for ${kind}`);
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/**
 * prepareValidators loads the validators compiled ahead of time (precompiled-validators.ts) when
 * they match the schemas in use; validateAgainstSchema compiles the schemas itself otherwise.
 * The loader awaits it once per process; calling it is never required.
 */
export function prepareValidators(): Promise<void> {
  precompiled ??= (async () => {
    const kinds = Object.keys(FILE_NAMES) as Kind[];
    const files = Object.fromEntries(kinds.map((kind) => [kind, schemaFileFor(kind)])) as Record<Kind, string>;
    const loaded = await loadPrecompiled(SCHEMA_DIR, files, AJV_OPTIONS);
    if (loaded !== undefined) validators ??= loaded;
  })();
  return precompiled;
}

/**
 * compileAll compiles the schemas at run time. ajv (80-odd CommonJS modules, about 60 ms to load)
 * is loaded here, synchronously, only when the precompiled validators cannot be used.
 */
function compileAll(): Map<Kind, ValidateFunction> {
  const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const ajv = new Ajv2020(AJV_OPTIONS);
  const kinds = Object.keys(FILE_NAMES) as Kind[];
  return new Map(kinds.map((kind) => [kind, ajv.compile(schemaFor(kind))]));
}

/** findSchemaDir walks up from `start` (exported for tests of the dist/ layout). */
export function findSchemaDir(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'schemas')) && existsSync(join(dir, 'package.json'))) return join(dir, 'schemas');
    if (dirname(dir) === dir) {
      throw new ConvergeError('TERMINAL', 'SCHEMA_DIR_NOT_FOUND', `cannot find the schemas/ directory above ${start}`);
    }
  }
}
