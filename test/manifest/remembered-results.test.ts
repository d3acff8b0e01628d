/**
 * The loader remembers pure results across documents (issue 13, third round): unit parses per
 * string, secret-key verdicts per key, valid configure recipes per text. A remembered answer must
 * be the answer: the same whatever came before, in any order, past the memo limits, and never
 * changeable by a caller.
 */
import { describe, expect, it } from 'vitest';
import { detached } from '../../src/manifest/detached.js';
import { isSecretKey } from '../../src/manifest/checks/inline-secrets.js';
import { parseDuration, parseRate, parseSize } from '../../src/manifest/units.js';
import { loadManifests } from '../../src/manifest/load-manifests.js';
import { BACKEND_YAML, tempTree } from './fixtures.js';

describe('remembered unit results', () => {
  it('give the same result the first time and every later time, valid or not', () => {
    const inputs = ['512Mi', '1.5G', '20GB', '512', '1.5B', 'x', '10Ki', '1kB'];
    const first = inputs.map((input) => parseSize(input));
    expect(inputs.map((input) => parseSize(input))).toEqual(first);
    expect(first.map((r) => r.ok)).toEqual([true, true, true, false, false, false, true, true]);
    expect(parseSize(512)).toEqual({ ok: false, message: expect.stringContaining('size 512 has no unit') });
    expect(parseDuration('1h30m')).toEqual({ ok: true, value: 5_400_000 });
    expect(parseDuration('1h30m')).toEqual({ ok: true, value: 5_400_000 });
    expect(parseRate('1.5Gbps')).toEqual({ ok: true, value: 1_500_000_000 });
  });

  it('cannot be changed by a caller, and stay right past the memo limit', () => {
    const result = parseSize('2Gi');
    expect(Object.isFrozen(result)).toBe(true);
    expect(() => {
      (result as { value: number }).value = 1;
    }).toThrow(TypeError);
    for (let i = 0; i < 10_000; i += 1) expect(parseSize(`${i}Ki`)).toEqual({ ok: true, value: i * 1024 });
    expect(parseSize('2Gi')).toEqual({ ok: true, value: 2 * 1024 ** 3 });
  });
});

describe('remembered secret-key verdicts', () => {
  it('depend on the container as before, whichever is asked first', () => {
    expect(isSecretKey('key', false)).toBe(false);
    expect(isSecretKey('key', true)).toBe(true);
    expect(isSecretKey('Key', true)).toBe(true);
    expect(isSecretKey('Key', false)).toBe(false);
    expect(isSecretKey('api_key', false)).toBe(true);
    expect(isSecretKey('clientSecret', false)).toBe(true);
    expect(isSecretKey('keyName', true)).toBe(false);
    for (let i = 0; i < 10_000; i += 1) expect(isSecretKey(`label${i}`, true)).toBe(false);
    expect(isSecretKey('auth-token', false)).toBe(true);
  });
});

describe('remembered configure recipes', () => {
  it('report an invalid recipe every time, also after a valid one and a repeat', async () => {
    const doc = (recipe: string, name: string): string =>
      `apiVersion: converge/v1\nkind: Infrastructure\nmetadata: {name: ${name}}\nspec:\n  backend: im\n  systems:\n    - name: s\n      cpu: 1\n      memory: 1Gi\n      image: i\n      configure: |\n        ${recipe}\n  deploy: {s: 1}\n`;
    const text = [BACKEND_YAML, doc('- name: ok', 'a'), doc('- name: [unclosed', 'b'), doc('- name: ok', 'c'), doc('- name: [unclosed', 'd')].join('---\n');
    const set = await loadManifests(await tempTree({ 'm.yaml': text }));
    expect(set.diagnostics.map((d) => `${d.line}:${d.code}`)).toEqual(['35:YAML_SYNTAX', '63:YAML_SYNTAX']);
    expect(set.resources.map((r) => r.metadata.name)).toEqual(['im', 'a', 'c']);
  });
});

describe('detached', () => {
  it('returns an equal string', () => {
    const long = `${'x'.repeat(40)}\u2028\ud800"\\`;
    for (const text of ['', 'short', long, long.slice(3, 30)]) expect(detached(text)).toBe(text);
  });
});
