/**
 * XML-RPC over ssh (src/xmlrpc/ssh/): the OpenSSH command line converge runs, how ssh's own
 * failures are typed, and the session runner as a real process (a stand-in `ssh` binary that
 * echoes stdin, or never answers): stdin closed after the call, stdout read to EOF, timeouts and
 * aborts kill the process. The real sshd path is planetlab-sshd.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConvergeError } from '../../src/errors/converge-error.js';
import { encodeFault, encodeResponse } from '../../src/xmlrpc/codec.js';
import { opensshArgs, opensshRunner } from '../../src/xmlrpc/ssh/openssh-runner.js';
import type { PipeRunner } from '../../src/xmlrpc/ssh/pipe-runner.js';
import { sshFailure } from '../../src/xmlrpc/ssh/ssh-errors.js';
import { callOverPipe } from '../../src/xmlrpc/ssh/xmlrpc-over-pipe.js';
import { classifyNmFault } from '../../src/backends/planetlab/nm/nm-errors.js';

const SETTINGS = { identityFile: '/keys/id', knownHostsFile: '/keys/known_hosts', connectTimeoutMs: 2500 };

async function fakeSsh(script: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'converge-fake-ssh-'));
  const file = join(dir, 'ssh');
  await writeFile(file, `#!/bin/sh\n${script}\n`);
  await chmod(file, 0o755);
  return file;
}

describe('the OpenSSH command line', () => {
  it('verifies host keys, never prompts, and uses only the given key', () => {
    const args = opensshArgs({ ...SETTINGS, configFile: '/etc/converge/ssh_config', port: 2222 }, 'princeton_ctl', 'node1.princeton.test');
    expect(args.slice(0, 3)).toEqual(['-F', '/etc/converge/ssh_config', '-T']);
    const options = args.filter((_, i) => args[i - 1] === '-o');
    expect(options).toEqual(expect.arrayContaining(['BatchMode=yes', 'StrictHostKeyChecking=yes', 'UserKnownHostsFile=/keys/known_hosts', 'GlobalKnownHostsFile=/dev/null', 'IdentitiesOnly=yes', 'ConnectTimeout=3']));
    expect(args.join(' ')).not.toMatch(/StrictHostKeyChecking=(no|accept-new)|UserKnownHostsFile=\/dev\/null/);
    expect(args.slice(-8)).toEqual(['-i', '/keys/id', '-p', '2222', '-l', 'princeton_ctl', '--', 'node1.princeton.test']);
  });
});

describe("ssh's own failures", () => {
  const cases = [
    { reason: 'a changed host key is refused as a possible interception', stderr: '@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\nHost key for node1 has changed and you have requested strict checking.\nHost key verification failed.\n', kind: 'UNAUTHORIZED', code: 'SSH_HOST_KEY_MISMATCH' },
    { reason: 'an unknown host is never trusted on first use', stderr: 'No ED25519 host key is known for node1 and you have requested strict checking.\nHost key verification failed.\n', kind: 'INVALID', code: 'SSH_HOST_KEY_UNKNOWN' },
    { reason: 'a refused key is an authorization problem', stderr: 'princeton_ctl@node1: Permission denied (publickey).\n', kind: 'UNAUTHORIZED', code: 'SSH_LOGIN_REFUSED' },
    { reason: 'an unusable key file is the configuration', stderr: 'Load key "/keys/id": invalid format\nprinceton_ctl@node1: Permission denied (publickey).\n', kind: 'INVALID', code: 'SSH_KEY_UNUSABLE' },
    { reason: 'a node that does not answer is transient', stderr: 'ssh: connect to host node1 port 22: Connection refused\n', kind: 'TRANSIENT', code: 'SSH_UNREACHABLE' },
    { reason: 'an unknown name is transient (DNS)', stderr: 'ssh: Could not resolve hostname node1: Name or service not known\n', kind: 'TRANSIENT', code: 'SSH_UNREACHABLE' },
    { reason: 'anything else is transient', stderr: 'something odd\n', kind: 'TRANSIENT', code: 'SSH_FAILED' },
  ] as const;
  it.each(cases)('$reason', ({ stderr, kind, code }) => {
    const error = sshFailure('princeton_ctl', 'node1', stderr);
    expect(error).toMatchObject({ kind, code });
    expect(error.message).toContain('node1');
    expect(error.message).not.toMatch(/@@@/);
  });
});

describe('Node Manager faults', () => {
  const cases = [
    { reason: 'the slice has not reached the node: wait for its poll', code: 102, text: 'Invalid argument: the first argument must be a sliver name.', kind: 'CONFLICT', typed: 'NM_UNKNOWN_SLIVER' },
    { reason: 'the delegation has not reached the node: wait for its poll', code: 108, text: 'princeton_ctl: Permission denied.', kind: 'CONFLICT', typed: 'NM_NOT_DELEGATED' },
    { reason: 'a refused ticket (wrapped in 104 by the open methods)', code: 104, text: 'Error in call: <Fault 102: "Ticket error: bad signature">', kind: 'INVALID', typed: 'NM_TICKET_REFUSED' },
    { reason: 'a call the NM refuses', code: 104, text: 'Error in call: Only PLC can create non delegated slivers.', kind: 'INVALID', typed: 'NM_CALL_FAILED' },
    { reason: "the forwarder's own failure is the node's problem", code: 1, text: 'connect(): Connection refused', kind: 'TRANSIENT', typed: 'NM_UNREACHABLE' },
  ] as const;
  it.each(cases)('$reason', ({ code, text, kind, typed }) => {
    expect(classifyNmFault(code, text)).toMatchObject({ kind, code: typed });
  });
});

describe('one call per session', () => {
  const call = (runner: PipeRunner) => callOverPipe(runner, 'GetXIDs', [], { login: 'ctl', host: 'node1', timeoutMs: 5000 });

  it('sends the bare methodCall on stdin and reads the bare methodResponse from stdout', async () => {
    let sent = '';
    const value = await call(async (request) => {
      sent = request.input.toString();
      return { exitCode: 0, stdout: Buffer.from(encodeResponse({ princeton_exp: 1001 })), stderr: '' };
    });
    expect(sent).toMatch(/^<\?xml[^>]*\?><methodCall><methodName>GetXIDs<\/methodName>/);
    expect(value).toEqual({ princeton_exp: 1001 });
  });

  it('types faults, ssh failures, and sessions that end without a reply', async () => {
    const fault = await call(async () => ({ exitCode: 1, stdout: Buffer.from(encodeFault(1, 'connect(): Connection refused')), stderr: '' })).catch((e: unknown) => e);
    expect(fault).toMatchObject({ faultCode: 1, faultString: 'connect(): Connection refused' });
    const refused = await call(async () => ({ exitCode: 255, stdout: Buffer.alloc(0), stderr: 'ctl@node1: Permission denied (publickey).' })).catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: 'UNAUTHORIZED', code: 'SSH_LOGIN_REFUSED' });
    const silent = await call(async () => ({ exitCode: 0, stdout: Buffer.alloc(0), stderr: '' })).catch((e: unknown) => e);
    expect(silent).toMatchObject({ kind: 'TRANSIENT', code: 'SSH_NO_REPLY' });
  });

  it('runs the ssh client as a process: stdin closed after the call, stdout read to EOF', async () => {
    const runner = opensshRunner({ ...SETTINGS, binary: await fakeSsh('cat') });
    const exchange = await runner({ login: 'ctl', host: 'node1', input: Buffer.from('<methodCall/>'), timeoutMs: 5000 });
    expect(exchange).toMatchObject({ exitCode: 0, stderr: '' });
    expect(exchange.stdout.toString()).toBe('<methodCall/>');
  });

  it('kills a session that outlives its timeout or whose signal aborts, and types both', async () => {
    const runner = opensshRunner({ ...SETTINGS, binary: await fakeSsh('sleep 30') });
    const timedOut = await runner({ login: 'ctl', host: 'node1', input: Buffer.alloc(0), timeoutMs: 200 }).catch((e: unknown) => e);
    expect(timedOut).toMatchObject({ kind: 'TRANSIENT', code: 'SSH_TIMEOUT' });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const aborted = await runner({ login: 'ctl', host: 'node1', input: Buffer.alloc(0), timeoutMs: 10_000, signal: abort.signal }).catch((e: unknown) => e);
    expect(aborted).toBeInstanceOf(ConvergeError);
    expect(aborted).toMatchObject({ code: 'ABORTED' });
    const missing = await opensshRunner({ ...SETTINGS, binary: '/nonexistent/ssh' })({ login: 'ctl', host: 'node1', input: Buffer.alloc(0), timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'SSH_CLIENT_MISSING' });
  });
});
