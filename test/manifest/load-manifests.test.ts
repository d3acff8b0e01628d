/**
 * loadManifests as a whole: which files it reads, that it never throws for user errors, that it
 * collects every problem, and what the digest depends on. Real files in temporary directories.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, hasErrors, loadManifests } from '../../src/manifest/index.js';
import { BACKEND_YAML, fixtureDir, tempTree } from './fixtures.js';

const infra = (name: string, extra = ''): string =>
  `apiVersion: converge/v1\nkind: Infrastructure\nmetadata:\n  name: ${name}\nspec:\n  backend: im\n  systems:\n    - name: vm\n      cpu: 1\n      memory: 1Gi\n      image: one://server/1\n  deploy:\n    vm: 1\n${extra}`;

describe('loadManifests: which files', () => {
  it('reads *.yaml and *.yml recursively in sorted order, skipping hidden dirs, node_modules and .converge', async () => {
    const dir = await tempTree({
      'b.yml': infra('b'),
      'a/z.yaml': infra('z'),
      'a.yaml': BACKEND_YAML,
      'notes.txt': 'not a manifest',
      '.hidden/x.yaml': 'kind: [',
      '.converge/state.yaml': 'kind: [',
      'node_modules/pkg/x.yaml': 'kind: [',
      'sub/node_modules/y.yaml': 'kind: [',
      '.editor-swap.yaml': 'kind: [',
    });
    const set = await loadManifests(dir);
    expect(set.diagnostics).toEqual([]);
    expect(set.files.map((f) => f.slice(dir.length + 1))).toEqual(['a.yaml', 'a/z.yaml', 'b.yml']);
  });

  it('reports a missing directory as READ_ERROR instead of throwing', async () => {
    const set = await loadManifests('/nonexistent/converge-manifests');
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([
      '/nonexistent/converge-manifests:1:1: error: cannot read /nonexistent/converge-manifests: no such file or directory [READ_ERROR]',
    ]);
    expect(set.resources).toEqual([]);
  });

  it('loads a single file when given a file path', async () => {
    const dir = await tempTree({ 'one.yaml': `${BACKEND_YAML}---\n${infra('web')}` });
    const set = await loadManifests(`${dir}/one.yaml`);
    expect(set.diagnostics).toEqual([]);
    expect(set.resources.map((r) => r.metadata.name)).toEqual(['im', 'web']);
  });

  it('names files outside the working directory by absolute path', async () => {
    const dir = await tempTree({ 'backend.yaml': BACKEND_YAML, 'web.yaml': infra('web', '  power: off\n') });
    const [first] = (await loadManifests(dir)).diagnostics;
    expect(first?.file).toBe(`${dir}/web.yaml`);
  });
});

describe('loadManifests: problems are data', () => {
  it('collects every problem across documents and files, sorted by file, line and column', async () => {
    const set = await loadManifests(fixtureDir('invalid', 'many-problems'));
    expect(set.diagnostics.map((d) => d.code)).toEqual(['SCHEMA', 'BAD_UNIT', 'SCHEMA', 'MISSING_BACKEND', 'UNKNOWN_NETWORK', 'YAML_SYNTAX']);
  });

  it('still checks references of a document that fails the schema', async () => {
    const dir = await tempTree({ 'backend.yaml': BACKEND_YAML, 'web.yaml': infra('web', '  power: off\n').replace('backend: im', 'backend: gone') });
    const codes = (await loadManifests(dir)).diagnostics.map((d) => d.code);
    expect(codes).toEqual(['MISSING_BACKEND', 'SCHEMA']);
  });

  it('does not cascade: a Backend with a schema error still satisfies references to it', async () => {
    const dir = await tempTree({ 'backend.yaml': `${BACKEND_YAML}  prune: maybe\n`, 'web.yaml': infra('web') });
    const set = await loadManifests(dir);
    expect(set.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(['SCHEMA spec.prune: must be boolean']);
    expect(set.resources.map((r) => r.metadata.name)).toEqual(['web']);
    expect(hasErrors(set)).toBe(true);
  });

  it('turns an alias bomb into a YAML_SYNTAX diagnostic', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');
    const dir = await tempTree({ 'backend.yaml': BACKEND_YAML, 'bomb.yaml': `${bomb}\n` });
    const codes = (await loadManifests(dir)).diagnostics.map((d) => d.code);
    expect(codes).toEqual(['YAML_SYNTAX']);
  });

  it('reports every YAML error in a file, in every document', async () => {
    const dir = await tempTree({ 'backend.yaml': BACKEND_YAML, 'two.yaml': 'a: "x\n---\nb: 1\nb: 2\n' });
    const set = await loadManifests(dir);
    expect(set.diagnostics.map((d) => `${d.code}@${d.line}`)).toEqual(['YAML_SYNTAX@1']);
    const dir2 = await tempTree({ 'backend.yaml': BACKEND_YAML, 'two.yaml': 'a: 1\na: 2\n---\nb: 1\nb: 2\n' });
    expect((await loadManifests(dir2)).diagnostics.map((d) => `${d.code}@${d.line}`)).toEqual(['YAML_SYNTAX@2', 'YAML_SYNTAX@5']);
  });
});

describe('loadManifests: YAML features', () => {
  it('accepts anchors and << merge keys for shared settings', async () => {
    const shared = infra('web')
      .replace('  systems:\n    - name: vm\n      cpu: 1', '  systems:\n    - &base\n      name: vm\n      cpu: 1')
      .replace('  deploy:', '    - <<: *base\n      name: vm2\n      memory: 2Gi\n  deploy:');
    const dir = await tempTree({ 'a.yaml': BACKEND_YAML, 'web.yaml': shared });
    const set = await loadManifests(dir);
    expect(set.diagnostics).toEqual([]);
    const web = set.resources.find((r) => r.kind === 'Infrastructure');
    expect(web?.kind === 'Infrastructure' && web.spec.systems.map((s) => [s.name, s.memoryBytes, s.image])).toEqual([
      ['vm', 1024 ** 3, 'one://server/1'],
      ['vm2', 2 * 1024 ** 3, 'one://server/1'],
    ]);
  });
});

describe('loadManifests: digest', () => {
  it('does not depend on how documents are spread over files', async () => {
    const split = await tempTree({ 'a.yaml': BACKEND_YAML, 'b/web.yaml': infra('web'), 'c.yaml': infra('api') });
    const joined = await tempTree({ 'all.yaml': `${infra('api')}---\n${infra('web')}---\n${BACKEND_YAML}` });
    expect((await loadManifests(split)).digest).toBe((await loadManifests(joined)).digest);
  });

  it('changes when a desired value changes, even only through a default', async () => {
    const base = await tempTree({ 'a.yaml': BACKEND_YAML, 'web.yaml': infra('web') });
    const stopped = await tempTree({ 'a.yaml': BACKEND_YAML, 'web.yaml': infra('web', '  power: stopped\n') });
    const explicitDefault = await tempTree({ 'a.yaml': BACKEND_YAML, 'web.yaml': infra('web', '  power: running\n') });
    const digest = (await loadManifests(base)).digest;
    expect((await loadManifests(stopped)).digest).not.toBe(digest);
    expect((await loadManifests(explicitDefault)).digest).toBe(digest);
  });
});
