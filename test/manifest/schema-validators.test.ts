/**
 * schemas/validators.generated.mjs (the schemas compiled ahead of time, `npm run schemas`) must be
 * current, and must judge documents exactly as validators compiled at run time do: same errors,
 * in the same order, on every document of the manifest fixtures (valid and invalid).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { OUTPUT, renderValidators } from '../../scripts/gen-validators.mjs';
import { loadPrecompiled } from '../../src/manifest/precompiled-validators.js';
import { SCHEMA_DIR, schemaFileFor, schemaFor } from '../../src/manifest/schema.js';
import type { Kind } from '../../src/manifest/types.js';
import { FIXTURES } from './fixtures.js';

const KINDS: Kind[] = ['Backend', 'Infrastructure', 'Slice', 'VesselSet'];
const OPTIONS = { allErrors: true, verbose: true, strict: true, strictRequired: false };

function fixtureValues(dir: string): unknown[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return fixtureValues(path);
    if (!/\.ya?ml$/.test(entry.name)) return [];
    const docs = parseAllDocuments(readFileSync(path, 'utf8'));
    return 'empty' in docs ? [] : docs.filter((d) => d.errors.length === 0).map((d) => d.toJS() as unknown);
  });
}

/** comparable: what describeSchemaErrors reads of an error (schema-errors.ts), plus the message. */
function comparable(error: ErrorObject): unknown {
  const { instancePath, schemaPath, keyword, params, message, schema, data } = error;
  return { instancePath, schemaPath, keyword, params, message, schema, data };
}

describe('ahead-of-time compiled validators', () => {
  it('are current: `npm run schemas` regenerates the committed module unchanged', () => {
    expect(readFileSync(OUTPUT, 'utf8')).toBe(renderValidators());
  });

  it('are used (their digest matches the schemas in use) and give the errors run-time compiled validators give', async () => {
    const files = Object.fromEntries(KINDS.map((kind) => [kind, schemaFileFor(kind)])) as Record<Kind, string>;
    const generated = await loadPrecompiled(SCHEMA_DIR, files, OPTIONS);
    expect(generated).toBeDefined();
    const ajv = new Ajv2020(OPTIONS);
    const values = fixtureValues(FIXTURES);
    expect(values.length).toBeGreaterThan(40);
    for (const kind of KINDS) {
      const compiled = ajv.compile(schemaFor(kind));
      const aot = generated!.get(kind)!;
      for (const value of values) {
        expect(aot(value)).toBe(compiled(value));
        expect(aot.errors?.map(comparable)).toEqual(compiled.errors?.map(comparable));
      }
    }
  });

  it('are not used when the schemas differ from those they were generated from', async () => {
    const files = Object.fromEntries(KINDS.map((kind) => [kind, schemaFileFor(kind)])) as Record<Kind, string>;
    expect(await loadPrecompiled(SCHEMA_DIR, files, { ...OPTIONS, allErrors: false })).toBeUndefined();
    expect(await loadPrecompiled(SCHEMA_DIR, { ...files, Slice: schemaFileFor('VesselSet') }, OPTIONS)).toBeUndefined();
  });
});
