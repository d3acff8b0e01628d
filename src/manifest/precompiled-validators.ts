/**
 * Loads schemas/validators.generated.mjs: the kinds' schemas compiled ahead of time by ajv
 * (scripts/gen-validators.mjs, run by `npm run schemas`), which spares each process compiling
 * them (about 200 ms of CPU). The module is used only when its SCHEMAS_DIGEST is the digest of
 * the schema files, ajv version and ajv options this process would compile with: validators built
 * from anything else are never used (the caller compiles instead).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ValidateFunction } from 'ajv/dist/2020.js';

/** GENERATED_FILE is the module's name in the schemas/ directory. */
export const GENERATED_FILE = 'validators.generated.mjs';

/** schemasDigest: sha256 of the ajv version, the options and each schema file's text, in order. */
export function schemasDigest(texts: readonly string[], options: object): string {
  const version = (createRequire(import.meta.url)('ajv/package.json') as { version: string }).version;
  const hash = createHash('sha256').update(`ajv ${version}\n${JSON.stringify(options)}\n`);
  for (const text of texts) hash.update(text).update('\n');
  return hash.digest('hex');
}

/**
 * loadPrecompiled returns the generated validator of each name, or undefined when the module is
 * missing, does not load, or was generated from other schemas, ajv or options.
 */
export async function loadPrecompiled<Name extends string>(
  schemaDir: string,
  files: Readonly<Record<Name, string>>,
  options: object,
): Promise<Map<Name, ValidateFunction> | undefined> {
  const file = join(schemaDir, GENERATED_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const names = Object.keys(files) as Name[];
    const texts = names.map((name) => readFileSync(files[name], 'utf8'));
    const generated = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    if (generated.SCHEMAS_DIGEST !== schemasDigest(texts, options)) return undefined;
    if (!names.every((name) => typeof generated[name] === 'function')) return undefined;
    return new Map(names.map((name) => [name, generated[name] as ValidateFunction]));
  } catch {
    return undefined;
  }
}
