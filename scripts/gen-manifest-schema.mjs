#!/usr/bin/env node
// `npm run schemas`: writes schemas/manifest.schema.json, the one schema editors use for every
// manifest document, from the per-kind schemas (the loader's source of truth). It is generated
// rather than hand-kept so the two can never disagree (test/manifest/manifest-schema.test.ts
// regenerates it in memory and compares). Each kind's schema is inlined under $defs/<Kind>, its
// own $defs renamed <file>-<name>, so the result is one self-contained document with plain
// JSON-pointer references: editors need not resolve $id URIs or fetch anything.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');
export const OUTPUT = join(SCHEMA_DIR, 'manifest.schema.json');

/** KIND_FILES lists the kinds in the order the documents' `kind` enum shows them. */
export const KIND_FILES = { Backend: 'backend', Infrastructure: 'infrastructure', Slice: 'slice', VesselSet: 'vesselset' };

function renameRefs(node, prefix) {
  if (Array.isArray(node)) return node.map((item) => renameRefs(item, prefix));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/') ? `#/$defs/${prefix}-${value.slice(8)}` : renameRefs(value, prefix),
    ]),
  );
}

/** bundleManifestSchema builds the combined schema from the kinds' schemas (pure). */
export function bundleManifestSchema(kindSchemas) {
  const defs = {};
  const branches = [];
  for (const [kind, file] of Object.entries(KIND_FILES)) {
    const { $schema: _s, $id: _i, $defs: own = {}, ...root } = renameRefs(kindSchemas[kind], file);
    for (const [name, def] of Object.entries(own)) defs[`${file}-${name}`] = def;
    defs[kind] = root;
    branches.push({ if: { properties: { kind: { const: kind } }, required: ['kind'] }, then: { $ref: `#/$defs/${kind}` } });
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://converge.dev/schemas/manifest.schema.json',
    title: 'converge manifest document',
    description: `Any converge manifest document: the schema of its kind (${Object.keys(KIND_FILES).join(', ')}) is selected by its \`kind\` field. Generated from the per-kind schemas by scripts/gen-manifest-schema.mjs.`,
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { const: 'converge/v1', description: 'Manifest format version; this version of converge reads converge/v1.' },
      kind: { enum: Object.keys(KIND_FILES), description: 'The kind of resource; selects the schema the rest of the document follows.' },
    },
    allOf: branches,
    $defs: defs,
  };
}

export function readKindSchemas(dir = SCHEMA_DIR) {
  return Object.fromEntries(Object.entries(KIND_FILES).map(([kind, file]) => [kind, JSON.parse(readFileSync(join(dir, `${file}.schema.json`), 'utf8'))]));
}

/** renderManifestSchema is the exact text of schemas/manifest.schema.json. */
export function renderManifestSchema(dir = SCHEMA_DIR) {
  return `${JSON.stringify(bundleManifestSchema(readKindSchemas(dir)), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(OUTPUT, renderManifestSchema());
  process.stdout.write(`wrote ${OUTPUT}\n`);
}
