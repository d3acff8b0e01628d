/**
 * `converge plan [dir]`: observe, diff, print. Exit 0 when there is nothing to change, 2 when
 * there is. `--out FILE` saves the plan for `converge reconcile --plan FILE`; `--json` prints the
 * plan document itself. Plan never mutates anything and takes no lock.
 */
import { writeFile } from 'node:fs/promises';
import { checkPlan } from '../../engine/check-plan.js';
import { planFromSurvey, settleGraceFor } from '../../engine/plan-pass.js';
import { survey } from '../../engine/survey.js';
import { replaceKeys } from '../../engine/select/replace-keys.js';
import { selectScope } from '../../engine/select/selection.js';
import { renderPlan } from '../../plan/render.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { planExitCode } from '../output/plan-exit.js';
import { machineDocument } from '../output/machine.js';
import { openWorkspace } from '../../workspace/open-workspace.js';
import type { CommonOptions } from '../options.js';
import type { Output } from '../output.js';
import type { SelectionOptions } from '../selection-flags.js';
import { GENERATOR } from '../version.js';

export interface PlanOptions extends CommonOptions, SelectionOptions {
  out?: string;
  prune?: boolean;
  /** detailedExitcode: objects left alone (manifest gone, no prune) also exit 2 (output/plan-exit.ts). */
  detailedExitcode?: boolean;
}

export async function planCommand(dir: string, out: Output, options: PlanOptions): Promise<ExitCode> {
  const quiet: Output = { ...out, emit: () => undefined };
  const ws = await openWorkspace({ dir, ...pick(options), sink: out.json ? quiet : out });
  try {
    const scope = selectScope(ws.manifests, { targets: options.target, labels: options.selector });
    const replace = replaceKeys(ws.desired, options.replace, scope);
    const state = await ws.store.read();
    const signal = new AbortController().signal;
    const now = new Date();
    // Plan only looks: no recovery, no journal writes, no lock.
    const looked = await survey({ drivers: ws.drivers, journal: ws.store.journal, state, desired: ws.desired, signal, sink: out.json ? quiet : out, stats: ws.stats, now, recover: false, settle: false, graceMs: settleGraceFor(ws) });
    const { observation } = looked;
    for (const [backend, error] of observation.unavailable) out.error(`backend ${backend} could not be observed: ${error.message} [${error.code}]`);
    if (observation.unavailable.size > 0) return EXIT.failure;
    checkPlan(ws, observation, scope);
    const prune = (backend: string): boolean => Boolean(options.prune) || Boolean(ws.backends.get(backend)?.spec.prune);
    const plan = planFromSurvey(ws, looked, state, { prune, scope, replace, generator: GENERATOR, now });
    if (options.out) await writeFile(options.out, `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
    if (out.json) out.record(machineDocument('Plan', plan));
    else {
      out.line(renderPlan(plan, { color: out.color }));
      if (options.out) out.line(`\nSaved the plan to ${options.out}; apply it with: converge reconcile ${dir} --plan ${options.out}`);
    }
    return planExitCode(plan, Boolean(options.detailedExitcode));
  } finally {
    await ws.close();
  }
}

function pick(options: CommonOptions): { statePath?: string; owner?: string; workspace?: string } {
  return { ...(options.state ? { statePath: options.state } : {}), ...(options.owner ? { owner: options.owner } : {}), ...(options.workspace ? { workspace: options.workspace } : {}) };
}

export { pick as workspaceOptions };
