/**
 * Every directory under test/fixtures/manifests/invalid/ is one mistake a user makes, next to a
 * valid Backend so that only the intended problem fires. Each row says what the loader must
 * report first (code, file, line, column) and which resource must then be missing; the golden
 * expected.txt beside the manifests holds the whole formatted output.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasErrors, loadManifests, type DiagnosticCode } from '../../src/manifest/index.js';
import { fixtureDir, goldenText, shownPath } from './fixtures.js';

interface InvalidCase {
  name: string;
  reason: string;
  code: DiagnosticCode;
  /** file of the first diagnostic, relative to the fixture directory ('.' for the directory). */
  file: string;
  line: number;
  col: number;
  /** absent is the Kind/name that must not be loaded; present ones must still be. */
  absent?: string;
  present?: string[];
}

const cases: InvalidCase[] = [
  { name: 'yaml-bad-indentation', reason: 'a key indented deeper than its siblings is a YAML syntax error, not a schema error', code: 'YAML_SYNTAX', file: 'infra.yaml', line: 4, col: 9, absent: 'Infrastructure/web', present: ['Backend/im'] },
  { name: 'yaml-unclosed-quote', reason: 'an unclosed quote is reported at the opening quote, not at the end of the file', code: 'YAML_SYNTAX', file: 'infra.yaml', line: 13, col: 14, absent: 'Infrastructure/web', present: ['Backend/im'] },
  { name: 'yaml-tab-indentation', reason: 'YAML forbids tabs for indentation', code: 'YAML_SYNTAX', file: 'infra.yaml', line: 16, col: 1, absent: 'Infrastructure/web' },
  { name: 'yaml-duplicate-key', reason: 'a key repeated in one mapping would silently drop a value, so it is an error at the repeat', code: 'YAML_SYNTAX', file: 'infra.yaml', line: 13, col: 7, absent: 'Infrastructure/web' },
  { name: 'yaml-recursive-alias', reason: 'an alias inside the node its own anchor names would be a value without end: an error at the alias', code: 'YAML_SYNTAX', file: 'backend.yaml', line: 5, col: 9, absent: 'Backend/im-main' },
  { name: 'schema-missing-spec', reason: 'a document without spec is reported at the document', code: 'SCHEMA', file: 'infra.yaml', line: 1, col: 1, absent: 'Infrastructure/web' },
  { name: 'schema-missing-backend', reason: 'a missing required field is reported at the mapping that lacks it (spec:)', code: 'SCHEMA', file: 'infra.yaml', line: 5, col: 1, absent: 'Infrastructure/web' },
  { name: 'schema-wrong-type', reason: 'a mapping where a size string belongs is a type error at the value', code: 'SCHEMA', file: 'infra.yaml', line: 12, col: 15, absent: 'Infrastructure/web' },
  { name: 'schema-unknown-field', reason: 'unknown fields are rejected at their key (typos must not be ignored)', code: 'SCHEMA', file: 'infra.yaml', line: 17, col: 3, absent: 'Infrastructure/web' },
  { name: 'schema-bad-enum', reason: 'a value outside an enum is reported at the value, listing the allowed ones', code: 'SCHEMA', file: 'infra.yaml', line: 17, col: 10, absent: 'Infrastructure/web' },
  { name: 'schema-bad-name', reason: 'metadata.name must be a DNS label', code: 'SCHEMA', file: 'infra.yaml', line: 4, col: 9, absent: 'Infrastructure/Web_Server' },
  { name: 'schema-negative-deploy', reason: 'deploy counts cannot be negative', code: 'SCHEMA', file: 'infra.yaml', line: 16, col: 12, absent: 'Infrastructure/web' },
  { name: 'schema-cpu-zero', reason: 'cpu: 0 matches the integer form of cpu, so the message is about its minimum, not about the object form', code: 'SCHEMA', file: 'infra.yaml', line: 11, col: 12, absent: 'Infrastructure/web' },
  { name: 'schema-no-systems', reason: 'an Infrastructure needs at least one system', code: 'SCHEMA', file: 'infra.yaml', line: 9, col: 12, absent: 'Infrastructure/web' },
  { name: 'schema-root-not-mapping', reason: 'a document that is a list is not a manifest', code: 'SCHEMA', file: 'infra.yaml', line: 1, col: 1, present: ['Backend/im'] },
  { name: 'schema-bad-url', reason: 'a Backend url is `embedded` or http(s)', code: 'SCHEMA', file: 'backend.yaml', line: 7, col: 8, absent: 'Backend/im' },
  { name: 'schema-credentials-both', reason: 'credentials hold exactly one reference; the message says so instead of listing oneOf branches', code: 'SCHEMA', file: 'backend.yaml', line: 8, col: 3, absent: 'Backend/im' },
  { name: 'schema-bad-outport', reason: 'outports carry a protocol', code: 'SCHEMA', file: 'infra.yaml', line: 10, col: 18, absent: 'Infrastructure/web' },
  { name: 'schema-slice-delegated-without-controller', reason: 'a delegated slice needs the controller slice that redeems its tickets', code: 'SCHEMA', file: 'slice.yaml', line: 5, col: 1, absent: 'Slice/measure', present: ['Backend/plc'] },
  { name: 'schema-vesselset-negative-count', reason: 'vessel counts cannot be negative', code: 'SCHEMA', file: 'vessels.yaml', line: 8, col: 10, absent: 'VesselSet/probes' },
  { name: 'duplicate-name-same-file', reason: 'the second document with the same kind and name is reported and dropped, the first is kept', code: 'DUPLICATE_NAME', file: 'infra.yaml', line: 21, col: 9, present: ['Infrastructure/web'] },
  { name: 'duplicate-name-across-files', reason: 'names are unique across the whole set, not per file', code: 'DUPLICATE_NAME', file: 'b.yaml', line: 4, col: 9, present: ['Infrastructure/web'] },
  { name: 'duplicate-network', reason: 'two networks with one name in one Infrastructure are ambiguous for interfaces', code: 'DUPLICATE_MEMBER', file: 'infra.yaml', line: 9, col: 13, absent: 'Infrastructure/web' },
  { name: 'duplicate-system', reason: 'two systems with one name in one Infrastructure are ambiguous for deploy', code: 'DUPLICATE_MEMBER', file: 'infra.yaml', line: 15, col: 13, absent: 'Infrastructure/web' },
  { name: 'missing-backend', reason: 'spec.backend must name a Backend in the set', code: 'MISSING_BACKEND', file: 'infra.yaml', line: 6, col: 12, absent: 'Infrastructure/web' },
  { name: 'backend-kind-mismatch', reason: 'a seattle backend serves VesselSets, not Infrastructures', code: 'BACKEND_KIND_MISMATCH', file: 'infra.yaml', line: 6, col: 12, absent: 'Infrastructure/web', present: ['Backend/seattle'] },
  { name: 'unknown-network', reason: 'an interface must name a declared network (reported at the network value)', code: 'UNKNOWN_NETWORK', file: 'infra.yaml', line: 16, col: 20, absent: 'Infrastructure/web' },
  { name: 'unknown-system', reason: 'deploy must name declared systems (reported at the key)', code: 'UNKNOWN_SYSTEM', file: 'infra.yaml', line: 17, col: 5, absent: 'Infrastructure/web' },
  { name: 'bad-unit-unknown-suffix', reason: 'XB is not a unit', code: 'BAD_UNIT', file: 'infra.yaml', line: 12, col: 15, absent: 'Infrastructure/web' },
  { name: 'bad-unit-word', reason: 'a disk size must be a number with a unit', code: 'BAD_UNIT', file: 'infra.yaml', line: 16, col: 17, absent: 'Infrastructure/web' },
  { name: 'bad-unit-bare-number', reason: 'units are explicit: memory: 512 is rejected with BAD_UNIT, not a schema type error', code: 'BAD_UNIT', file: 'infra.yaml', line: 12, col: 15, absent: 'Infrastructure/web' },
  { name: 'bad-unit-fraction', reason: '1.3Ki is not a whole number of bytes', code: 'BAD_UNIT', file: 'infra.yaml', line: 12, col: 15, absent: 'Infrastructure/web' },
  { name: 'bad-duration', reason: '"10 minutes" is not a duration', code: 'BAD_DURATION', file: 'backend.yaml', line: 9, col: 11, absent: 'Backend/im' },
  { name: 'bad-duration-bare-number', reason: 'durations need units too', code: 'BAD_DURATION', file: 'backend.yaml', line: 9, col: 14, absent: 'Backend/im' },
  { name: 'inline-password-credentials', reason: 'credentials with inline values are rejected key by key', code: 'INLINE_SECRET', file: 'backend.yaml', line: 9, col: 5, absent: 'Backend/im' },
  { name: 'inline-token-options', reason: 'a token in backend options is an inline secret', code: 'INLINE_SECRET', file: 'backend.yaml', line: 10, col: 5, absent: 'Backend/im' },
  { name: 'inline-credentials-string', reason: 'credentials given as a string are an inline secret, not a schema type error', code: 'INLINE_SECRET', file: 'backend.yaml', line: 8, col: 16, absent: 'Backend/im' },
  { name: 'unknown-kind', reason: 'a misspelt kind is reported at the kind', code: 'UNKNOWN_KIND', file: 'infra.yaml', line: 2, col: 7, absent: 'Infrastructure/web', present: ['Backend/im'] },
  { name: 'unknown-kind-case', reason: 'kinds are case-sensitive', code: 'UNKNOWN_KIND', file: 'infra.yaml', line: 2, col: 7 },
  { name: 'unsupported-api-version', reason: 'only converge/v1 is read', code: 'UNSUPPORTED_API_VERSION', file: 'infra.yaml', line: 1, col: 13, absent: 'Infrastructure/web' },
  { name: 'configure-not-yaml', reason: 'a configure recipe that does not parse is reported inside the literal block', code: 'YAML_SYNTAX', file: 'infra.yaml', line: 19, col: 11, absent: 'Infrastructure/web' },
  { name: 'empty-directory', reason: 'a directory without manifests is an error, so a wrong path never means "delete everything"', code: 'EMPTY_DIRECTORY', file: '.', line: 1, col: 1 },
  { name: 'only-empty-documents', reason: 'YAML files with only empty documents hold no manifests either', code: 'EMPTY_DIRECTORY', file: '.', line: 1, col: 1 },
  { name: 'many-problems', reason: 'loading goes on after the first problem, within a document and across files', code: 'SCHEMA', file: 'a.yaml', line: 11, col: 12, absent: 'Infrastructure/web', present: ['Backend/im'] },
];

describe('invalid manifests', () => {
  it('has a row for every fixture directory', () => {
    expect(cases.map((c) => c.name).sort()).toEqual(readdirSync(fixtureDir('invalid')).sort());
  });

  it.each(cases)('$name: $reason', async (row) => {
    const dir = fixtureDir('invalid', row.name);
    const set = await loadManifests(dir);
    const first = set.diagnostics[0];
    expect(hasErrors(set)).toBe(true);
    expect(first).toMatchObject({ severity: 'error', code: row.code, line: row.line, col: row.col });
    expect(first?.file).toBe(row.file === '.' ? shownPath(dir) : shownPath(join(dir, row.file)));
    const loaded = set.resources.map((r) => `${r.kind}/${r.metadata.name}`);
    if (row.absent) expect(loaded).not.toContain(row.absent);
    for (const name of row.present ?? []) expect(loaded).toContain(name);
    expect(goldenText(set, dir)).toBe(readGolden(dir, goldenText(set, dir)));
  });
});

/** readGolden returns expected.txt (a missing one fails), writing `actual` first if UPDATE_GOLDEN is set. */
function readGolden(dir: string, actual: string): string {
  const file = join(dir, 'expected.txt');
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
  return readFileSync(file, 'utf8');
}
