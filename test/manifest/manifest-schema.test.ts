/**
 * schemas/manifest.schema.json, the one schema editors use for every manifest document: it is
 * current (regenerated in memory from the kinds' schemas), and a standard JSON Schema validator
 * (ajv's draft 2020-12 build, with nothing but that file) accepts every document of every example
 * manifest and rejects broken ones with errors located in the document's own kind.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderManifestSchema } from '../../scripts/gen-manifest-schema.mjs';
import { ROOT } from '../helpers/cli.js';

const SCHEMA_FILE = join(ROOT, 'schemas', 'manifest.schema.json');
const EXAMPLES = join(ROOT, 'manifests');

async function validator(): Promise<(doc: unknown) => ErrorObject[]> {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  const validate = ajv.compile(JSON.parse(await readFile(SCHEMA_FILE, 'utf8')) as object);
  return (doc) => (validate(doc) ? [] : [...(validate.errors ?? [])]);
}

async function exampleFiles(): Promise<string[]> {
  return (await readdir(EXAMPLES)).filter((f) => f.endsWith('.yaml')).sort();
}

describe('schemas/manifest.schema.json', () => {
  it('is current: `npm run schemas` would write the same text', async () => {
    expect(await readFile(SCHEMA_FILE, 'utf8')).toBe(renderManifestSchema());
  });

  it('accepts every document of every example manifest, and every example names it in its modeline', async () => {
    const validate = await validator();
    const files = await exampleFiles();
    expect(files.length).toBeGreaterThanOrEqual(7);
    let documents = 0;
    for (const file of files) {
      const text = await readFile(join(EXAMPLES, file), 'utf8');
      expect(text.split('\n')[0], file).toBe('# yaml-language-server: $schema=../schemas/manifest.schema.json');
      for (const doc of parseAllDocuments(text)) {
        documents++;
        expect(validate(doc.toJS()), `${file}: ${doc.toJS()?.kind}/${doc.toJS()?.metadata?.name}`).toEqual([]);
      }
    }
    expect(documents).toBeGreaterThanOrEqual(files.length);
  });

  const broken: Array<{ reason: string; doc: Record<string, unknown>; path: string }> = [
    {
      reason: 'a Backend of no known type is rejected at spec.type',
      doc: { apiVersion: 'converge/v1', kind: 'Backend', metadata: { name: 'b' }, spec: { type: 'openstack', url: 'embedded' } },
      path: '/spec/type',
    },
    {
      reason: 'an Infrastructure field of the wrong type is rejected where it is',
      doc: { apiVersion: 'converge/v1', kind: 'Infrastructure', metadata: { name: 'i' }, spec: { backend: 'b', systems: [{ name: 's', memory: 2048 }] } },
      path: '/spec/systems/0/memory',
    },
    {
      reason: 'an unknown kind is rejected at kind',
      doc: { apiVersion: 'converge/v1', kind: 'Gadget', metadata: { name: 'g' }, spec: {} },
      path: '/kind',
    },
  ];
  it.each(broken)('$reason', async ({ doc, path }) => {
    const errors = await validator().then((v) => v(doc));
    expect(errors.map((e) => e.instancePath)).toContain(path);
    // Only the document's own kind speaks: no error from another kind's branch.
    const kinds = new Set(errors.map((e) => /^#\/\$defs\/([A-Za-z]+)/.exec(e.schemaPath)?.[1]).filter(Boolean));
    expect(kinds.size).toBeLessThanOrEqual(1);
  });
});
