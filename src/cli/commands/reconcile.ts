/**
 * `converge reconcile [dir]`: take the state lock, then observe → plan → apply until converged or
 * `--wait` runs out. With `--plan FILE` it applies that saved plan, refusing (exit 6) when the
 * manifests or the live infrastructure changed since it was made. Invalid manifests exit 4
 * before any backend is contacted or the state is touched; a lock held by another live run
 * exits 5 naming the holder.
 */
import { readFile } from 'node:fs/promises';
import { ConvergeError } from '../../errors/converge-error.js';
import { converge } from '../../engine/converge.js';
import type { RunReport } from '../../engine/report.js';
import { PLAN_FORMAT_VERSION, type Plan } from '../../plan/types.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { loadValidManifests, openStore, openWorkspace } from '../../workspace/open-workspace.js';
import type { CommonOptions } from '../options.js';
import type { Output } from '../output.js';
import { machineDocument } from '../output/machine.js';
import { manifestsRevision } from '../../workspace/revision.js';
import { GENERATOR } from '../version.js';
import { workspaceOptions } from './plan.js';

export interface ReconcileOptions extends CommonOptions {
  plan?: string;
  waitMs: number;
  prune?: boolean;
  maxDestroy?: number;
  lockTimeoutMs: number;
  parallelism: number;
}

export async function reconcileCommand(dir: string, out: Output, options: ReconcileOptions): Promise<ExitCode> {
  const manifests = await loadValidManifests(dir);
  const savedPlan = options.plan ? await readPlanFile(options.plan) : undefined;
  const store = openStore(dir, workspaceOptions(options) as { statePath?: string; owner?: string });
  const lock = await store.acquire({
    timeoutMs: options.lockTimeoutMs,
    command: `converge reconcile ${dir}`,
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
      const revision = await manifestsRevision(dir);
      const report = await converge(ws, {
        waitMs: options.waitMs,
        prune: (backend) => Boolean(options.prune) || Boolean(ws.backends.get(backend)?.spec.prune),
        globalLimit: options.parallelism,
        ...(options.maxDestroy !== undefined ? { maxDestroy: options.maxDestroy } : {}),
        ...(savedPlan ? { savedPlan } : {}),
        ...(revision ? { revision } : {}),
        signal: abort.signal,
        sink: out,
        generator: GENERATOR,
      }).catch((error: unknown) => {
        throw leaseLost(lock.signal) ? lock.signal.reason : error;
      });
      printReport(report, out);
      if (leaseLost(lock.signal)) {
        out.error(`${(lock.signal.reason as Error).message}; the run stopped, the next run settles what it left [LEASE_LOST]`);
        return EXIT.failure;
      }
      return report.exitCode;
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

async function readPlanFile(path: string): Promise<Plan> {
  let plan: Plan;
  try {
    plan = JSON.parse(await readFile(path, 'utf8')) as Plan;
  } catch (error) {
    throw new ConvergeError('INVALID', 'PLAN_FILE_INVALID', `${path}: cannot read a plan: ${(error as Error).message}`);
  }
  if (plan.formatVersion !== PLAN_FORMAT_VERSION || !Array.isArray(plan.actions)) {
    throw new ConvergeError('INVALID', 'PLAN_FILE_INVALID', `${path}: not a converge plan of format version ${PLAN_FORMAT_VERSION}`);
  }
  return plan;
}

function printReport(report: RunReport, out: Output): void {
  if (out.json) return out.record(machineDocument('Report', { type: 'report', time: new Date().toISOString(), ...report }));
  const settled = (o: RunReport['objects'][number]): boolean => o.result === 'converged' || o.result === 'deleted' || o.result === 'released';
  const ok = report.objects.filter(settled).length;
  out.line('');
  out.line(
    `${report.outcome === 'converged' ? 'Converged' : 'Not converged'}: ${ok} of ${report.objects.length} object(s) ` +
      `(${report.passes} pass(es), ${(report.durationMs / 1000).toFixed(1)}s, ${Object.values(report.calls).reduce((a, b) => a + b, 0)} call(s), ${report.mutatingCalls} mutating).`,
  );
  for (const o of report.objects) {
    if (out.quiet && settled(o)) continue;
    const mark = settled(o) ? '✓' : o.result === 'pending' ? '…' : '✗';
    out.line(`  ${mark} ${o.key} ${o.result}${o.reason ? `: ${o.reason.split('\n').join('\n      ')}` : ''}${o.code ? ` [${o.code}]` : ''}`);
  }
  if (report.retries.length > 0) {
    out.line(`Retried calls: ${report.retries.map((r) => `${r.method} ×${r.count} (${r.code})`).join(', ')}`);
  }
}
