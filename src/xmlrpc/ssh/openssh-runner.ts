/**
 * opensshRunner runs sessions through the OpenSSH client (`ssh`), not an ssh library: it is
 * what operators already configure and trust (ssh_config Host entries, ProxyJump, agents are
 * kept out on purpose), its host-key checking is the reference behaviour, and a node that works
 * with `ssh ctl@node` works with converge. Every session is
 *
 *   ssh [-F config] -T -o BatchMode=yes -o StrictHostKeyChecking=yes
 *       -o UserKnownHostsFile=<known_hosts> -o GlobalKnownHostsFile=/dev/null
 *       -o IdentitiesOnly=yes -o ConnectTimeout=<s> -i <key> [-p port] -l <login> -- <host>
 *
 * Options given on the command line win over any config file, so a config cannot turn host key
 * checking off, and BatchMode makes ssh fail instead of prompting. The methodCall goes on stdin,
 * stdin is closed, and stdout is read to EOF. A session that outlives `timeoutMs` or whose
 * signal aborts is killed (SIGTERM, then SIGKILL).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ConvergeError } from '../../errors/converge-error.js';
import type { PipeExchange, PipeRequest, PipeRunner } from './pipe-runner.js';

export interface OpenSshSettings {
  identityFile: string;
  knownHostsFile: string;
  /** configFile is passed with -F (Host → HostName/Port mappings); the user's config otherwise. */
  configFile?: string;
  port?: number;
  connectTimeoutMs: number;
  /** binary is the ssh client to run (default `ssh` from PATH). */
  binary?: string;
}

const MAX_STDOUT_BYTES = 64 * 2 ** 20;
const MAX_STDERR_BYTES = 64 * 2 ** 10;
const KILL_GRACE_MS = 2_000;

/** opensshArgs is the argument list of one session (exported for tests and docs). */
export function opensshArgs(settings: OpenSshSettings, login: string, host: string): string[] {
  const args = settings.configFile ? ['-F', settings.configFile] : [];
  args.push('-T');
  for (const option of [
    'BatchMode=yes',
    'StrictHostKeyChecking=yes',
    `UserKnownHostsFile=${settings.knownHostsFile}`,
    'GlobalKnownHostsFile=/dev/null',
    'IdentitiesOnly=yes',
    'IdentityAgent=none',
    'UpdateHostKeys=no',
    'LogLevel=ERROR',
    `ConnectTimeout=${Math.max(1, Math.ceil(settings.connectTimeoutMs / 1000))}`,
  ]) {
    args.push('-o', option);
  }
  args.push('-i', settings.identityFile);
  if (settings.port !== undefined) args.push('-p', String(settings.port));
  args.push('-l', login, '--', host);
  return args;
}

export function opensshRunner(settings: OpenSshSettings): PipeRunner {
  return (request) => runSession(settings, request);
}

function runSession(settings: OpenSshSettings, request: PipeRequest): Promise<PipeExchange> {
  return new Promise((resolve, reject) => {
    if (request.signal?.aborted) return reject(aborted(request));
    // Its own process group, so that a kill also reaches what ssh started (a ProxyCommand).
    const child = spawn(settings.binary ?? 'ssh', opensshArgs(settings, request.login, request.host), { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let failure: ConvergeError | undefined;
    let settled = false;
    const finish = (exchange?: PipeExchange): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      if (failure || !exchange) reject(failure ?? new ConvergeError('TRANSIENT', 'SSH_FAILED', `${where(request)}: ssh ended unexpectedly`));
      else resolve(exchange);
    };
    const stop = (error: ConvergeError): void => {
      failure ??= error;
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
      // Whatever still holds the pipes open does not hold this call up.
      child.stdout.destroy();
      child.stderr.destroy();
      finish();
    };
    const timer = setTimeout(() => stop(timedOut(request)), request.timeoutMs);
    const onAbort = (): void => stop(aborted(request));
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const output = collectOutput(child, () => stop(new ConvergeError('TERMINAL', 'SSH_REPLY_TOO_LARGE', `${where(request)}: reply larger than ${MAX_STDOUT_BYTES} bytes`)));
    // The remote side may exit before reading all of stdin (a refused login): that is not our error.
    child.stdin.on('error', () => undefined);
    child.on('error', (error: NodeJS.ErrnoException) => {
      failure ??= error.code === 'ENOENT'
        ? new ConvergeError('TERMINAL', 'SSH_CLIENT_MISSING', `the OpenSSH client (${settings.binary ?? 'ssh'}) is not installed or not on PATH`)
        : new ConvergeError('TRANSIENT', 'SSH_SPAWN', `${where(request)}: cannot start ssh: ${error.message}`);
      finish();
    });
    child.on('close', (code, signal) => finish({ exitCode: code ?? (signal ? 255 : 0), ...output() }));
    child.stdin.end(request.input);
  });
}

/** collectOutput gathers stdout (bounded: `tooLarge` is called past the limit) and the start of stderr. */
function collectOutput(child: ChildProcessWithoutNullStreams, tooLarge: () => void): () => { stdout: Buffer; stderr: string } {
  const stdout: Buffer[] = [];
  let stdoutBytes = 0;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    if (stdoutBytes > MAX_STDOUT_BYTES) return tooLarge();
    stdout.push(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR_BYTES) stderr += chunk.toString('utf8');
  });
  return () => ({ stdout: Buffer.concat(stdout), stderr });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function where(request: PipeRequest): string {
  return `ssh ${request.login}@${request.host}`;
}

function timedOut(request: PipeRequest): ConvergeError {
  return new ConvergeError('TRANSIENT', 'SSH_TIMEOUT', `${where(request)}: no reply within ${request.timeoutMs} ms (the session was killed; the call may still have run on the node)`, {
    host: request.host,
    timeoutMs: request.timeoutMs,
  });
}

function aborted(request: PipeRequest): ConvergeError {
  return new ConvergeError('TERMINAL', 'ABORTED', `${where(request)}: aborted`, { host: request.host });
}
