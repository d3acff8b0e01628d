#!/usr/bin/env node
// `npm run docs:manifests`: writes docs/MANIFESTS.md, the field-by-field manifest reference, from
// the per-kind JSON Schemas (schemas/*.schema.json), so that the reference cannot drift from what
// the loader checks. test/docs/manifests-doc.test.ts regenerates it in memory and compares.
// Hand-written because no maintained generator renders draft 2020-12 with $defs, oneOf and
// if/then into the compact tables this project wants.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUTPUT = join(ROOT, 'docs', 'MANIFESTS.md');
const KINDS = [
  ['Backend', 'backend'],
  ['Infrastructure', 'infrastructure'],
  ['Slice', 'slice'],
  ['VesselSet', 'vesselset'],
];

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (value) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;

function refName(schema) {
  return typeof schema.$ref === 'string' && schema.$ref.startsWith('#/$defs/') ? schema.$ref.slice(8) : undefined;
}

/** typeOf describes a schema's type in a few words (a $ref names its common type). */
function typeOf(schema, defs) {
  const ref = refName(schema);
  if (ref) return `[${ref}](#${ref.toLowerCase()})`;
  if (schema.const !== undefined) return code(schema.const);
  if (schema.oneOf || schema.anyOf) return (schema.oneOf ?? schema.anyOf).map((s) => typeOf(s, defs)).join(' or ');
  if (schema.type === 'array') return `list of ${schema.items ? typeOf(schema.items, defs) : 'any'}`;
  if (schema.type === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object' && !schema.properties) {
    return `map of ${typeOf(schema.additionalProperties, defs)}`;
  }
  if (schema.type === undefined && Array.isArray(schema.required)) return `{${schema.required.join(', ')}}`;
  return Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any');
}

/** constraints lists what the schema checks beyond the type. */
function constraints(schema) {
  const out = [];
  if (schema.enum) out.push(`one of ${schema.enum.map(code).join(', ')}`);
  if (schema.pattern) out.push(`pattern ${code(schema.pattern)}`);
  for (const [key, word] of [['minimum', '≥'], ['maximum', '≤'], ['minLength', 'length ≥'], ['maxLength', 'length ≤'], ['minItems', 'items ≥']]) {
    if (schema[key] !== undefined) out.push(`${word} ${schema[key]}`);
  }
  if (schema.uniqueItems) out.push('unique items');
  if (schema.default !== undefined) out.push(`default ${code(schema.default)}`);
  if (schema.examples) out.push(`e.g. ${schema.examples.map(code).join(', ')}`);
  return out;
}

/** rows walks a schema's fields depth-first: one row per field, nested fields under their parent. */
function rows(schema, path, required, defs) {
  const out = [];
  const note = [schema.description ?? defs[refName(schema)]?.description ?? '', ...constraints(schema)].filter(Boolean).join(' · ');
  if (path) out.push(`| ${code(path)} | ${cell(typeOf(schema, defs))} | ${required ? 'yes' : ''} | ${cell(note)} |`);
  const object = schema.type === 'object' ? schema : schema.type === 'array' && schema.items?.type === 'object' ? schema.items : undefined;
  const variants = (schema.oneOf ?? schema.anyOf ?? schema.items?.oneOf ?? []).filter((s) => s.type === 'object' && s.properties);
  for (const branch of object ? [object] : variants) {
    const prefix = path + (schema.type === 'array' ? '[]' : '');
    const must = new Set(branch.required ?? []);
    for (const [name, child] of Object.entries(branch.properties ?? {})) {
      out.push(...rows(child, prefix ? `${prefix}.${name}` : name, must.has(name), defs));
    }
  }
  return out;
}

function kindSection(kind, schema) {
  const header = ['| field | type | required | description |', '|---|---|---|---|'];
  const body = rows(schema, '', false, schema.$defs ?? {});
  const conditional = (schema.allOf ?? []).length > 0 ? ['', 'Some fields depend on others; the schema checks these rules too: see its `allOf` (`converge schema ' + kind + '`).'] : [];
  return [`## ${kind}`, '', schema.description ?? '', '', `Schema: \`schemas/${kind.toLowerCase()}.schema.json\` (\`converge schema ${kind}\`).`, '', ...header, ...body, ...conditional, ''];
}

function commonTypes(schemas) {
  const defs = new Map();
  for (const schema of schemas) for (const [name, def] of Object.entries(schema.$defs ?? {})) if (!defs.has(name)) defs.set(name, def);
  const out = ['## Common types', ''];
  for (const [name, def] of [...defs.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`### ${name}`, '', [def.description ?? '', ...constraints(def)].filter(Boolean).join(' · '), '');
    if (def.type === 'object' || def.oneOf) out.push('| field | type | required | description |', '|---|---|---|---|', ...rows(def, '', false, {}), '');
  }
  return out;
}

/** renderManifestsDoc is the exact text of docs/MANIFESTS.md. */
export function renderManifestsDoc(schemaDir = join(ROOT, 'schemas')) {
  const schemas = KINDS.map(([kind, file]) => [kind, JSON.parse(readFileSync(join(schemaDir, `${file}.schema.json`), 'utf8'))]);
  const intro = [
    '# Manifest reference',
    '',
    '<!-- Generated by `npm run docs:manifests` (scripts/gen-manifests-doc.mjs) from schemas/*.schema.json: do not edit by hand. -->',
    '',
    'Every manifest document has `apiVersion: converge/v1`, a `kind`, `metadata` (`name`, `labels`) and a',
    '`spec`. Fields are listed with their path under the document (`spec.systems[].memory`: the `memory`',
    'of each item of `spec.systems`). Units are explicit strings ([size](#size), [duration](#duration)).',
    'Editors: `# yaml-language-server: $schema=<path to schemas/manifest.schema.json>` checks every kind.',
    '',
    ...KINDS.map(([kind]) => `- [${kind}](#${kind.toLowerCase()})`),
    '- [Common types](#common-types)',
    '',
  ];
  return [...intro, ...schemas.flatMap(([kind, schema]) => kindSection(kind, schema)), ...commonTypes(schemas.map(([, s]) => s))].join('\n').replace(/\n+$/, '\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(OUTPUT, renderManifestsDoc());
  process.stdout.write(`wrote ${OUTPUT}\n`);
}
