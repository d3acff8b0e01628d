/**
 * Secrets never sit in manifests. Each row is a spec fragment of a Backend and what the loader
 * must say about it; no message may ever contain the secret value itself.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, loadManifests } from '../../src/manifest/index.js';
import { BACKEND_YAML, tempTree } from './fixtures.js';

const SECRET = 'Xy9-not-for-logs-42';

interface SecretCase {
  reason: string;
  /** spec lines appended to a valid Backend spec (indented by two spaces). */
  spec: string;
  /** expected: `code path` per diagnostic, in order; [] means the Backend loads. */
  expected: string[];
}

const cases: SecretCase[] = [
  { reason: 'a password under credentials', spec: `credentials:\n    password: ${SECRET}`, expected: ['INLINE_SECRET spec.credentials.password'] },
  { reason: 'credentials as a plain string', spec: `credentials: ${SECRET}`, expected: ['INLINE_SECRET spec.credentials'] },
  { reason: 'credentials as a list', spec: `credentials: [${SECRET}]`, expected: ['INLINE_SECRET spec.credentials'] },
  { reason: 'a username next to a valid reference is still an inline value', spec: 'credentials:\n    fromEnv: IM_AUTH\n    username: admin', expected: ['INLINE_SECRET spec.credentials.username'] },
  { reason: 'a token in options', spec: `options:\n    token: ${SECRET}`, expected: ['INLINE_SECRET spec.options.token'] },
  { reason: 'api_key spelt with an underscore', spec: `options:\n    api_key: ${SECRET}`, expected: ['INLINE_SECRET spec.options.api_key'] },
  { reason: 'apiKey in camel case, nested', spec: `options:\n    cloud:\n      apiKey: ${SECRET}`, expected: ['INLINE_SECRET spec.options.cloud.apiKey'] },
  { reason: 'private_key inside a list of options', spec: `options:\n    hosts:\n      - private_key: ${SECRET}`, expected: ['INLINE_SECRET spec.options.hosts[0].private_key'] },
  { reason: 'a bare `key` under options is a secret key', spec: `options:\n    key: ${SECRET}`, expected: ['INLINE_SECRET spec.options.key'] },
  { reason: 'a numeric PIN is still a secret', spec: 'options:\n    passwd: 123456', expected: ['INLINE_SECRET spec.options.passwd'] },
  { reason: 'a reference to a secret is how secrets are given', spec: 'options:\n    token:\n      fromEnv: PLC_TOKEN', expected: [] },
  { reason: 'a file holding a password is a path, not a secret', spec: 'options:\n    passwordFile: secrets/pw.txt', expected: [] },
  { reason: 'a flag that mentions a token holds no secret', spec: 'options:\n    useToken: true', expected: [] },
  { reason: 'an empty value holds no secret', spec: 'options:\n    token:', expected: [] },
  { reason: 'publicKey is not a secret', spec: 'options:\n    publicKey: ssh-ed25519 AAAA', expected: [] },
];

describe('inline secrets', () => {
  it.each(cases)('$reason', async ({ spec, expected }) => {
    const dir = await tempTree({ 'backend.yaml': `${BACKEND_YAML}  ${spec}\n` });
    const set = await loadManifests(dir);
    const found = set.diagnostics.map((d) => `${d.code} ${/at (\S+):/.exec(d.message)?.[1] ?? d.message}`);
    expect(found).toEqual(expected);
    expect(set.resources.length).toBe(expected.length === 0 ? 1 : 0);
    for (const d of set.diagnostics) expect(formatDiagnostic(d)).not.toContain(SECRET);
  });

  it('flags secret-looking keys in any kind, such as labels', async () => {
    const dir = await tempTree({
      'backend.yaml': BACKEND_YAML.replace('  name: im\n', `  name: im\n  labels:\n    secret: ${SECRET}\n`),
    });
    const set = await loadManifests(dir);
    expect(set.diagnostics.map((d) => d.code)).toEqual(['INLINE_SECRET']);
    expect(set.diagnostics[0]?.message).toBe(
      'inline secret at metadata.labels.secret: secrets are given by reference only ({fromEnv: NAME} or {fromFile: path}) or through the Backend credentials',
    );
  });
});
