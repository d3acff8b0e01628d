/**
 * `converge watch [dir]`: the long-running controller (src/controller/). Logs go to stdout: human
 * lines on a terminal, JSON (one object per line) when stdout is not a terminal, with `--json`, or
 * as `--log-format json|text` says. SIGTERM and SIGINT stop it gracefully:
 * actions in flight finish (up to `--grace`), the state lock is released, exit 0. SIGHUP asks for
 * a resync now (manifests and every backend read again). The lock
 * held by another run exits 5, as for reconcile; a bad flag exits 4. With `--sharded` (PostgreSQL
 * state only) it is one of several replicas sharing the workspace's resources by shard.
 */
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { LevelWithSilent } from 'pino';
import { Controller } from '../../controller/controller.js';
import { parseListenAddress } from '../../controller/http/listen-address.js';
import { createJsonLog, type LogFormat } from '../../controller/log/json-log.js';
import { ConvergeError } from '../../errors/converge-error.js';
import type { ExitCode } from '../exit-codes.js';
import type { CommonOptions } from '../options.js';
import { GENERATOR, VERSION } from '../version.js';

export interface WatchOptions extends CommonOptions {
  /** target and selector are `--target` and `-l` (see src/engine/select/selection.ts). */
  target?: string[];
  selector?: string[];
  listen: string;
  listenAny: boolean;
  resyncMs: number;
  workers: number;
  prune: boolean;
  maxDestroy?: number;
  parallelism: number;
  passWaitMs: number;
  graceMs: number;
  debounceMs: number;
  lockTimeoutMs: number;
  logLevel: string;
  /** logFormat: `json` or `text`; absent: text on a terminal, else JSON. */
  logFormat?: string;
  /** sharded: one of several replicas on a PostgreSQL workspace (`--sharded`, `--replica-id`, `--shard-lease`, `--shard-renew`). */
  sharded?: boolean;
  replicaId?: string;
  shardLeaseMs?: number;
  shardRenewMs?: number;
}

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

export async function watchCommand(dir: string, options: WatchOptions): Promise<ExitCode> {
  if (!LEVELS.has(options.logLevel)) throw new ConvergeError('INVALID', 'USAGE', `--log-level ${options.logLevel}: expected one of ${[...LEVELS].join(', ')}`);
  const listen = parseListenAddress(options.listen, options.listenAny);
  // A directory that is not there at all is a typo, not a bad commit: refuse it (invalid
  // manifests in an existing directory are reported while the controller keeps running).
  if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) {
    throw new ConvergeError('INVALID', 'USAGE', `${dir}: not a directory of manifests`);
  }
  const replica = replicaSettings(options);
  const log = createJsonLog({ level: options.logLevel as LevelWithSilent, format: logFormatOf(options), color: options.color !== false && Boolean(process.stdout.isTTY) });
  let controller: Controller | undefined;
  let signalled: string | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    signalled ??= signal;
    void controller?.stop(signal);
  };
  const onHangUp = (): void => void controller?.resync();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onHangUp);
  try {
    controller = await Controller.start({
      dir,
      ...(options.state ? { statePath: options.state } : {}),
      ...(options.owner ? { owner: options.owner } : {}),
      ...(options.workspace ? { workspace: options.workspace } : {}),
      listen,
      resyncMs: options.resyncMs,
      workers: options.workers,
      prune: options.prune,
      ...(options.maxDestroy !== undefined ? { maxDestroy: options.maxDestroy } : {}),
      parallelism: options.parallelism,
      passWaitMs: options.passWaitMs,
      pollMs: 1000,
      graceMs: options.graceMs,
      debounceMs: options.debounceMs,
      lockTimeoutMs: options.lockTimeoutMs,
      ...(replica ? { replica } : {}),
      ...(options.target || options.selector ? { selection: { targets: options.target ?? [], labels: options.selector ?? [] } } : {}),
      log,
      generator: GENERATOR,
      version: VERSION,
    });
    if (signalled) void controller.stop(signalled);
    const code = (await controller.finished) as ExitCode;
    // Everything is closed by now; should a stray handle keep the process alive, do not hang a
    // service manager's stop: exit anyway after a moment (unref: this timer alone keeps nothing).
    setTimeout(() => process.exit(code), 5_000).unref();
    return code;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('SIGHUP', onHangUp);
  }
}

/** logFormatOf: `--log-format` wins; then `--json`; then text on a terminal, JSON elsewhere (pipes, collectors, tests). */
function logFormatOf(options: WatchOptions): LogFormat {
  if (options.logFormat !== undefined) {
    if (options.logFormat !== 'json' && options.logFormat !== 'text') throw new ConvergeError('INVALID', 'USAGE', `--log-format ${options.logFormat}: expected json or text`);
    return options.logFormat;
  }
  return options.json || !process.stdout.isTTY ? 'json' : 'text';
}

/** replicaSettings checks the replica flags: they need --sharded, and a renewal well inside the lease. */
function replicaSettings(options: WatchOptions): { id: string; ttlMs: number; renewMs: number } | undefined {
  if (!options.sharded) {
    if (options.replicaId !== undefined) throw new ConvergeError('INVALID', 'USAGE', '--replica-id needs --sharded');
    return undefined;
  }
  const ttlMs = options.shardLeaseMs ?? 15_000;
  const renewMs = options.shardRenewMs ?? 5_000;
  if (renewMs <= 0 || renewMs * 2 > ttlMs) throw new ConvergeError('INVALID', 'USAGE', `--shard-renew must be at most half of --shard-lease (got ${renewMs} ms and ${ttlMs} ms)`);
  const id = options.replicaId ?? `${hostname()}:${process.pid}`;
  if (id.length === 0 || id.length > 200 || /[\u0000-\u001f\u007f]/.test(id)) throw new ConvergeError('INVALID', 'USAGE', `--replica-id ${JSON.stringify(id)}: expected 1 to 200 printable characters`);
  return { id, ttlMs, renewMs };
}
