/**
 * A PipeRunner runs one remote session whose only job is a single exchange: bytes in on stdin
 * (closed after them), bytes out on stdout. That is XML-RPC over ssh as the Node Manager API
 * document's XmlRpcOverSsh does it (one methodCall in, one methodResponse out, one call per
 * session). The OpenSSH client is one runner (openssh-runner.ts); `url: embedded` hands drivers
 * an in-process one instead, so nothing above this interface knows which it talks to.
 */

/** PipeRequest is one session: who logs in where, what goes on stdin, and its bounds. */
export interface PipeRequest {
  login: string;
  host: string;
  input: Buffer;
  /** timeoutMs bounds the whole session (connect, call, reply); the process is killed after it. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * PipeExchange is what the session left: the ssh client's exit status (255 is ssh's own
 * failure, anything else the remote command's), its stdout and stderr.
 */
export interface PipeExchange {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

/** PipeRunner runs one session; it throws only for failures of its own (timeout, abort, no client). */
export type PipeRunner = (request: PipeRequest) => Promise<PipeExchange>;
