/**
 * The JSON Schemas are product: `converge schema` prints them for editors. These tests hold them
 * to the house rules (closed objects, descriptions, one $id each) and keep them in step with the
 * loader (patterns have readable messages, shared definitions do not drift apart).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KINDS, schemaFileFor, schemaFor, SCHEMA_DIR, type Kind } from '../../src/manifest/index.js';
import { findSchemaDir } from '../../src/manifest/schema.js';
import { PATTERN_PHRASES } from '../../src/manifest/schema-errors.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const FREE_FORM = new Set(['options']);

type Visit = (node: Record<string, unknown>, path: string) => void;

function walk(node: unknown, path: string, visit: Visit): void {
  if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${path}/${i}`, visit));
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
  const record = node as Record<string, unknown>;
  visit(record, path);
  for (const [key, child] of Object.entries(record)) walk(child, `${path}/${key}`, visit);
}

describe('schemas', () => {
  it('are found at the project root from src/ and from the compiled dist/src/ layout', () => {
    expect(SCHEMA_DIR).toBe(join(ROOT, 'schemas'));
    expect(findSchemaDir(join(ROOT, 'dist', 'src', 'manifest'))).toBe(join(ROOT, 'schemas'));
  });

  it.each(KINDS)('%s has its own file, $id, title and draft 2020-12', (kind: Kind) => {
    const schema = schemaFor(kind);
    const name = kind.toLowerCase();
    expect(schemaFileFor(kind)).toBe(join(ROOT, 'schemas', `${name}.schema.json`));
    expect(schema).toEqual(JSON.parse(readFileSync(schemaFileFor(kind), 'utf8')));
    expect(schema.$id).toBe(`https://converge.dev/schemas/${name}.schema.json`);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toEqual(expect.any(String));
  });

  it.each(KINDS)('%s closes every object with additionalProperties: false (except free-form options)', (kind: Kind) => {
    const open: string[] = [];
    walk(schemaFor(kind), '#', (node, path) => {
      if (node.type === 'object' && node.additionalProperties === undefined && !FREE_FORM.has(path.split('/').pop() ?? '')) open.push(path);
      if (node.properties !== undefined && node.additionalProperties !== false && !path.includes('/if')) open.push(path);
    });
    expect(open).toEqual([]);
  });

  it.each(KINDS)('%s describes every field (descriptions are shown by editors)', (kind: Kind) => {
    const undescribed: string[] = [];
    walk(schemaFor(kind), '#', (node, path) => {
      if (path.includes('/if') || !(typeof node.properties === 'object' && node.properties !== null)) return;
      for (const [name, field] of Object.entries(node.properties as Record<string, Record<string, unknown>>)) {
        const described = typeof field.description === 'string' || typeof field.$ref === 'string';
        if (!described) undescribed.push(`${path}/${name}`);
      }
    });
    expect(undescribed).toEqual([]);
  });

  it.each(KINDS)('%s uses only patterns that have a readable message', (kind: Kind) => {
    const patterns: string[] = [];
    walk(schemaFor(kind), '#', (node) => {
      if (typeof node.pattern === 'string') patterns.push(node.pattern);
    });
    expect(patterns.filter((p) => PATTERN_PHRASES[p] === undefined)).toEqual([]);
  });

  it('share identical definitions of metadata, duration and deletionPolicy', () => {
    const defs = KINDS.map((kind) => schemaFor(kind).$defs as Record<string, unknown>);
    for (const name of ['metadata', 'duration', 'deletionPolicy']) {
      for (const d of defs) expect(d[name]).toEqual(defs[0]?.[name]);
    }
  });
});
