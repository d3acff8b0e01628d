/**
 * runUnderLock is the frame of every command that changes things (reconcile, destroy, import):
 * take the state lock (waiting `--lock-timeout`, taking over stale holders), open the workspace,
 * and stop every call at once when the lease is lost or on SIGINT/SIGTERM. The lock is released
 * and the drivers closed whatever happens.
 */
import type { ManifestSet } from '../manifest/types.js';
import type { Workspace } from '../engine/workspace.js';
import { openStore, openWorkspace } from '../workspace/open-workspace.js';
import type { ExitCode } from './exit-codes.js';
import { EXIT } from './exit-codes.js';
import type { CommonOptions } from './options.js';
import type { Output } from './output.js';
import { workspaceOptions } from './commands/plan.js';

export interface LockedRun {
  ws: Workspace;
  /** signal aborts when the lease is lost or the user interrupts. */
  signal: AbortSignal;
}

export async function runUnderLock(
  dir: string,
  manifests: ManifestSet,
  out: Output,
  options: CommonOptions & { lockTimeoutMs: number },
  command: string,
  body: (run: LockedRun) => Promise<ExitCode>,
): Promise<ExitCode> {
  const store = openStore(dir, workspaceOptions(options) as { statePath?: string; owner?: string });
  const lock = await store.acquire({
    timeoutMs: options.lockTimeoutMs,
    command,
    onStaleTakeover: (stale) => out.emit({ type: 'lock-takeover', holder: `${stale.user}@${stale.host} pid ${stale.pid}` }),
  });
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // A lost lease (taken over, or not renewable before it would expire) stops every call at once:
  // another holder may already act, and our writes would be refused by fencing anyway.
  const onLeaseLost = (): void => abort.abort(lock.signal.reason);
  lock.signal.addEventListener('abort', onLeaseLost, { once: true });
  try {
    const ws = await openWorkspace({ dir, ...workspaceOptions(options), sink: out }, manifests, store);
    try {
      const code = await body({ ws, signal: abort.signal }).catch((error: unknown) => {
        throw leaseLost(lock.signal) ? lock.signal.reason : error;
      });
      if (leaseLost(lock.signal)) {
        out.error(`${(lock.signal.reason as Error).message}; the run stopped, the next run settles what it left [LEASE_LOST]`);
        return EXIT.failure;
      }
      return code;
    } finally {
      await ws.close();
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    lock.signal.removeEventListener('abort', onLeaseLost);
    await lock.release();
  }
}

function leaseLost(signal: AbortSignal): boolean {
  return signal.aborted && (signal.reason as { code?: string } | undefined)?.code === 'LEASE_LOST';
}
