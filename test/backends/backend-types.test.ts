/**
 * The schema's backend `type` enum, the types with a driver (DRIVER_TYPES) and openDriver's
 * switch agree; and a type the schema knows but no driver serves is rejected by `validate`,
 * located at `spec.type`.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { DRIVER_TYPES } from '../../src/backends/backend-types.js';
import { checkBackendType, schemaBackendTypes } from '../../src/manifest/checks/check-backend-type.js';
import { formatDiagnostic } from '../../src/manifest/diagnostics.js';
import { parseManifestFile } from '../../src/manifest/parse-manifest-file.js';
import { ROOT } from '../helpers/cli.js';

describe('backend types', () => {
  it('the schema enum lists exactly the types that have a driver', () => {
    expect([...schemaBackendTypes()].sort()).toEqual([...DRIVER_TYPES].sort());
  });

  it("openDriver's switch names every driver type, and an example manifest runs each", async () => {
    const registry = await readFile(join(ROOT, 'src', 'backends', 'registry.ts'), 'utf8');
    const examples = await readdir(join(ROOT, 'manifests'));
    const exampleTypes = new Set<string>();
    for (const file of examples.filter((f) => f.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(await readFile(join(ROOT, 'manifests', file), 'utf8'))) {
        const value = doc.toJS() as { kind?: string; spec?: { type?: string } };
        if (value.kind === 'Backend' && value.spec?.type) exampleTypes.add(value.spec.type);
      }
    }
    for (const type of DRIVER_TYPES) {
      expect(registry, type).toMatch(new RegExp(`case '${type}':|spec\\.type === '${type}'`));
      expect(exampleTypes, type).toContain(type);
    }
  });

  it('rejects a type the schema knows but no driver serves, at spec.type', () => {
    const text = ['apiVersion: converge/v1', 'kind: Backend', 'metadata: { name: plc }', 'spec:', '  type: planetlab', '  url: embedded', ''].join('\n');
    const [document] = parseManifestFile(text, 'manifests/plc.yaml', '/tmp/manifests/plc.yaml').documents;
    checkBackendType(document!, schemaBackendTypes(), DRIVER_TYPES.filter((t) => t !== 'planetlab'));
    expect(document!.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^manifests\/plc\.yaml:5:9: error: backend type "planetlab" has no driver in this build of converge; .* \[BACKEND_TYPE_UNSUPPORTED\]$/),
    ]);
    const ok = parseManifestFile(text, 'manifests/plc.yaml', '/tmp/manifests/plc.yaml').documents[0]!;
    checkBackendType(ok);
    expect(ok.diagnostics).toEqual([]);
  });
});
