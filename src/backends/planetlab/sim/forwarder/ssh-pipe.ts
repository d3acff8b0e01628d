/**
 * sshPipe stands in for `ssh <login>@<node>` where a real sshd is not wanted (`url: embedded`):
 * one methodCall in on "stdin", one methodResponse out on "stdout", through the same forwarder
 * and the node's NM simulator over loopback HTTP, so latency, injected faults and the call log
 * apply as they do to real ssh sessions. What sshd itself would refuse is refused here too, with
 * ssh's exit status 255 and its message on stderr:
 * - an unknown host;
 * - a login that has no nm-controller account on the node yet (accounts appear at the node's
 *   poll after PLC created the controller slice; only controller accounts run the forwarder);
 * - with `publicKey`, a key the account's authorized keys (its members' keys) do not hold.
 */
import { forwardApiCall, type ForwardResult } from './forward-api-call.js';

/** SshExchange is what the ssh client process would leave: exit status, stdout, stderr. */
export interface SshExchange {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

/** SshRequest is one `ssh <login>@<hostname>` session with `input` on stdin. */
export interface SshRequest {
  login: string;
  hostname: string;
  input: Buffer;
  /** publicKey, when given, must be one of the account's authorized keys (`type base64 [comment]`). */
  publicKey?: string;
  timeoutMs?: number;
}

/** SshTarget is what the pipe needs of a node. */
export interface SshTarget {
  nmUrl: string;
  /** controllerKeys returns the account's authorized keys, or undefined when there is no controller account. */
  controllerKeys(login: string): string | undefined;
}

/** sshPipe runs one session; it never throws for what ssh would report as a failed session. */
export async function sshPipe(request: SshRequest, resolveHost: (hostname: string) => SshTarget | undefined): Promise<SshExchange> {
  const target = resolveHost(request.hostname);
  if (!target) return refused(`ssh: Could not resolve hostname ${request.hostname}: Name or service not known\r\n`);
  const keys = target.controllerKeys(request.login);
  if (keys === undefined) return refused(`${request.login}@${request.hostname}: Permission denied (publickey).\r\n`);
  if (request.publicKey !== undefined && !keyListed(keys, request.publicKey)) return refused(`${request.login}@${request.hostname}: Permission denied (publickey).\r\n`);
  const result: ForwardResult = await forwardApiCall({
    input: request.input,
    nmUrl: target.nmUrl,
    caller: request.login,
    ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
  });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: '' };
}

function refused(stderr: string): SshExchange {
  return { exitCode: 255, stdout: Buffer.alloc(0), stderr };
}

/** keyListed compares key type and base64 body, ignoring comments. */
function keyListed(authorized: string, publicKey: string): boolean {
  const body = (line: string): string => line.trim().split(/\s+/).slice(0, 2).join(' ');
  const wanted = body(publicKey);
  return authorized.split('\n').some((line) => line.trim() !== '' && body(line) === wanted);
}
