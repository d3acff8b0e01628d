/**
 * Credential references: readCredential reads them into a Secret at connect time, and
 * loadManifests({ checkCredentials: true }) checks they are readable without reading them.
 * Neither ever puts the content into a message.
 */
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConvergeError } from '../../src/errors/converge-error.js';
import { formatDiagnostic, loadManifests, readCredential } from '../../src/manifest/index.js';
import { BACKEND_YAML, tempTree } from './fixtures.js';

const CONTENT = 'id = im; type = InfrastructureManager; username = u; password = p4ss-w0rd-xyz';

describe('readCredential', () => {
  it('reads a file relative to the manifest file, dropping one trailing newline', async () => {
    const dir = await tempTree({ 'sub/im-auth.dat': `${CONTENT}\n` });
    const secret = await readCredential({ fromFile: 'im-auth.dat' }, join(dir, 'sub', 'backend.yaml'));
    expect(secret.reveal()).toBe(CONTENT);
    expect(String(secret)).toBe('[redacted]');
    expect(JSON.stringify({ secret })).not.toContain('p4ss');
  });

  it('reads an environment variable', async () => {
    process.env.CONVERGE_TEST_CREDENTIAL = CONTENT;
    try {
      expect((await readCredential({ fromEnv: 'CONVERGE_TEST_CREDENTIAL' }, 'x.yaml')).reveal()).toBe(CONTENT);
    } finally {
      delete process.env.CONVERGE_TEST_CREDENTIAL;
    }
  });

  const failures = [
    { reason: 'an unset variable names the variable', ref: { fromEnv: 'CONVERGE_TEST_UNSET' }, message: /environment variable CONVERGE_TEST_UNSET is not set/ },
    { reason: 'a missing file names the resolved path', ref: { fromFile: 'missing.dat' }, message: /cannot read credentials file .*missing\.dat: no such file/ },
    { reason: 'an empty file is not a credential', ref: { fromFile: 'empty.dat' }, message: /credentials file .*empty\.dat is empty/ },
  ];

  it.each(failures)('throws INVALID CREDENTIAL_UNREADABLE: $reason', async ({ ref, message }) => {
    const dir = await tempTree({ 'empty.dat': '' });
    const error: unknown = await readCredential(ref, join(dir, 'backend.yaml')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConvergeError);
    expect(error).toMatchObject({ kind: 'INVALID', code: 'CREDENTIAL_UNREADABLE' });
    expect((error as Error).message).toMatch(message);
  });
});

describe('loadManifests({ checkCredentials })', () => {
  const withCredentials = (credentials: string): string => `${BACKEND_YAML}  credentials:\n    ${credentials}\n`;

  it('is off by default: references are not checked', async () => {
    const dir = await tempTree({ 'backend.yaml': withCredentials('fromEnv: CONVERGE_TEST_UNSET') });
    expect((await loadManifests(dir)).diagnostics).toEqual([]);
  });

  it('reports an unset variable at the reference', async () => {
    const dir = await tempTree({ 'backend.yaml': withCredentials('fromEnv: CONVERGE_TEST_UNSET') });
    const set = await loadManifests(dir, { checkCredentials: true });
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([
      `${dir}/backend.yaml:9:14: error: environment variable CONVERGE_TEST_UNSET is not set [CREDENTIAL_UNREADABLE]`,
    ]);
    expect(set.resources).toEqual([]);
  });

  it('reports a missing file at the reference and accepts a readable one', async () => {
    const missing = await tempTree({ 'backend.yaml': withCredentials('fromFile: auth/im.dat') });
    const [problem] = (await loadManifests(missing, { checkCredentials: true })).diagnostics;
    expect(problem).toMatchObject({ code: 'CREDENTIAL_UNREADABLE', line: 9, col: 15 });
    expect(problem?.message).toBe(`cannot read credentials file ${missing}/auth/im.dat: no such file or directory`);

    const present = await tempTree({ 'backend.yaml': withCredentials('fromFile: auth/im.dat'), 'auth/im.dat': CONTENT });
    const set = await loadManifests(present, { checkCredentials: true });
    expect(set.diagnostics).toEqual([]);
    expect(set.resources).toHaveLength(1);
  });

  it('reports a directory where a file is expected', async () => {
    const dir = await tempTree({ 'backend.yaml': withCredentials('fromFile: auth'), 'auth/x': '' });
    await chmod(join(dir, 'auth'), 0o755);
    const [problem] = (await loadManifests(dir, { checkCredentials: true })).diagnostics;
    expect(problem?.message).toBe(`credentials file ${dir}/auth is not a regular file`);
  });
});
