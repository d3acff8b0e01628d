/**
 * `converge destroy [dir]`: delete everything the manifests' resources own (or the selected
 * ones: `--target`, `-l`). Objects of resources with `deletionPolicy: Orphan` are let go
 * (`forget`: released from state, left live); external objects a resource only used are
 * forgotten, never deleted. Takes the state lock and honours `--max-destroy` as reconcile does.
 *
 * On a terminal it shows the plan and asks; `--auto-approve` skips the question. Where nobody
 * can answer (stdin not a TTY, `CI` set, `--json`) it refuses without `--auto-approve` (exit 4),
 * as Terraform does: destroying must never be what a pipeline does by accident.
 */
import { converge } from '../../engine/converge.js';
import { selectScope } from '../../engine/select/selection.js';
import { ConvergeError } from '../../errors/converge-error.js';
import { renderPlan } from '../../plan/render.js';
import { approvalFor } from '../confirm.js';
import { type ExitCode } from '../exit-codes.js';
import { loadValidManifests } from '../../workspace/open-workspace.js';
import type { CommonOptions } from '../options.js';
import type { Output } from '../output.js';
import { previewPlan } from '../preview-plan.js';
import { runUnderLock } from '../run-under-lock.js';
import type { SelectionOptions } from '../selection-flags.js';
import { GENERATOR } from '../version.js';
import { approvePlan, printReport } from './reconcile.js';

export interface DestroyOptions extends CommonOptions, SelectionOptions {
  waitMs: number;
  maxDestroy?: number;
  lockTimeoutMs: number;
  parallelism: number;
  autoApprove?: boolean;
}

export async function destroyCommand(dir: string, out: Output, options: DestroyOptions): Promise<ExitCode> {
  const manifests = await loadValidManifests(dir);
  const scope = selectScope(manifests, { targets: options.target, labels: options.selector });
  const approval = options.json && !options.autoApprove ? 'unattended' : approvalFor(options.autoApprove);
  if (approval === 'unattended') {
    throw new ConvergeError('INVALID', 'USAGE', 'destroy asks for confirmation on a terminal; without one (stdin not a terminal, CI set, or --json) pass --auto-approve to destroy');
  }
  return runUnderLock(dir, manifests, out, options, `converge destroy ${dir}`, async ({ ws, signal }) => {
    const planOptions = { prune: () => true, scope, destroy: true, generator: GENERATOR };
    let approved;
    if (approval === 'ask') approved = await approvePlan(ws, out, planOptions, signal, { text: "Destroy all these objects? Only 'yes' will be accepted", verb: 'Destroy' });
    else if (!out.json) out.line(renderPlan(await previewPlan(ws, out, planOptions, signal), { color: out.color }));
    const report = await converge(ws, {
      waitMs: options.waitMs,
      prune: () => true,
      destroy: true,
      globalLimit: options.parallelism,
      ...(options.maxDestroy !== undefined ? { maxDestroy: options.maxDestroy } : {}),
      ...(approved ? { savedPlan: approved } : {}),
      ...(scope ? { scope } : {}),
      signal,
      sink: out,
      generator: GENERATOR,
    });
    printReport(report, out);
    return report.exitCode;
  });
}
