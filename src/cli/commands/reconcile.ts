/**
 * `converge reconcile [dir]`: take the state lock, then observe → plan → apply until converged or
 * `--wait` runs out. With `--plan FILE` it applies that saved plan, refusing (exit 6) when the
 * manifests or the live infrastructure changed since it was made. Invalid manifests exit 4
 * before any backend is contacted or the state is touched; a lock held by another live run
 * exits 5 naming the holder.
 *
 * On a terminal (stdin a TTY, `CI` unset) it first shows the plan and applies it only after the
 * answer `yes` (see ../confirm.ts); `--auto-approve` skips the question. `--target`, `-l` and
 * `--replace` limit and force what is planned (src/engine/select/).
 */
import { converge } from '../../engine/converge.js';
import type { RunReport } from '../../engine/report.js';
import { replaceKeys } from '../../engine/select/replace-keys.js';
import { selectScope } from '../../engine/select/selection.js';
import type { Workspace } from '../../engine/workspace.js';
import { readPlanFile } from '../../plan/read-plan-file.js';
import { renderPlan } from '../../plan/render.js';
import { hasChanges, type Plan } from '../../plan/types.js';
import { approvalFor, APPROVE_QUESTION, askYes, cancelled } from '../confirm.js';
import { type ExitCode } from '../exit-codes.js';
import { loadValidManifests } from '../../workspace/open-workspace.js';
import type { CommonOptions } from '../options.js';
import type { Output } from '../output.js';
import { previewPlan } from '../preview-plan.js';
import { runUnderLock } from '../run-under-lock.js';
import type { SelectionOptions } from '../selection-flags.js';
import { machineDocument } from '../output/machine.js';
import { manifestsRevision } from '../../workspace/revision.js';
import { GENERATOR } from '../version.js';

export interface ReconcileOptions extends CommonOptions, SelectionOptions {
  plan?: string;
  waitMs: number;
  prune?: boolean;
  maxDestroy?: number;
  lockTimeoutMs: number;
  parallelism: number;
  autoApprove?: boolean;
}

export async function reconcileCommand(dir: string, out: Output, options: ReconcileOptions): Promise<ExitCode> {
  const manifests = await loadValidManifests(dir);
  const scope = selectScope(manifests, { targets: options.target, labels: options.selector });
  const savedPlan = options.plan ? await readPlanFile(options.plan) : undefined;
  // --json output is for machines: it is never interleaved with a question.
  const ask = !savedPlan && !options.json && approvalFor(options.autoApprove) === 'ask';
  return runUnderLock(dir, manifests, out, options, `converge reconcile ${dir}`, async ({ ws, signal }) => {
    const replace = replaceKeys(ws.desired, options.replace, scope);
    const prune = (backend: string): boolean => Boolean(options.prune) || Boolean(ws.backends.get(backend)?.spec.prune);
    const approved = ask ? await approvePlan(ws, out, { prune, scope, replace, generator: GENERATOR }, signal) : savedPlan;
    const revision = await manifestsRevision(dir);
    const report = await converge(ws, {
      waitMs: options.waitMs,
      prune,
      globalLimit: options.parallelism,
      ...(options.maxDestroy !== undefined ? { maxDestroy: options.maxDestroy } : {}),
      ...(approved ? { savedPlan: approved } : {}),
      ...(revision ? { revision } : {}),
      ...(scope ? { scope } : {}),
      ...(replace ? { replace } : {}),
      signal,
      sink: out,
      generator: GENERATOR,
    });
    printReport(report, out);
    return report.exitCode;
  });
}

/** Question is what approvePlan asks, and the verb a refusal names (`Apply cancelled`). */
export interface Question {
  text: string;
  verb: 'Apply' | 'Destroy';
}

const APPLY: Question = { text: APPROVE_QUESTION, verb: 'Apply' };

/**
 * approvePlan shows the plan on the terminal and asks; it returns the plan to apply (as a saved
 * plan, so what runs is what was shown) or throws CANCELLED. A plan without changes is not asked
 * about (the run may still wait for objects to become ready).
 */
export async function approvePlan(ws: Workspace, out: Output, options: Parameters<typeof previewPlan>[2], signal: AbortSignal, question: Question = APPLY): Promise<Plan | undefined> {
  const plan = await previewPlan(ws, out, options, signal);
  out.line(renderPlan(plan, { color: out.color }));
  if (!hasChanges(plan)) return undefined;
  if (!(await askYes(question.text, 'converge will perform the actions described above.'))) throw cancelled(question.verb);
  return plan;
}

export function printReport(report: RunReport, out: Output): void {
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
