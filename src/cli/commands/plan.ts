/**
 * `converge plan [dir]`: observe, diff, print. Exit 0 when there is nothing to change, 2 when
 * there is. `--out FILE` saves the plan for `converge reconcile --plan FILE`; `--json` prints the
 * plan document itself. Plan never mutates anything and takes no lock.
 */
import { writeFile } from 'node:fs/promises';
import { observeAll } from '../../engine/observe-all.js';
import { checkPlan } from '../../engine/check-plan.js';
import { planChanges } from '../../plan/plan-changes.js';
import { renderPlan } from '../../plan/render.js';
import { hasChanges } from '../../plan/types.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { openWorkspace } from '../../workspace/open-workspace.js';
import type { CommonOptions } from '../options.js';
import type { Output } from '../output.js';
import { GENERATOR } from '../version.js';

export interface PlanOptions extends CommonOptions {
  out?: string;
  prune?: boolean;
}

export async function planCommand(dir: string, out: Output, options: PlanOptions): Promise<ExitCode> {
  const quiet: Output = { ...out, emit: () => undefined };
  const ws = await openWorkspace({ dir, ...pick(options), sink: out.json ? quiet : out });
  try {
    const state = await ws.store.read();
    const signal = new AbortController().signal;
    const observation = await observeAll(ws.drivers, { owner: state.owner, signal, sink: out.json ? quiet : out, state, now: new Date(), desired: ws.desired });
    for (const [backend, error] of observation.unavailable) out.error(`backend ${backend} could not be observed: ${error.message} [${error.code}]`);
    if (observation.unavailable.size > 0) return EXIT.failure;
    checkPlan(ws, observation);
    const plan = planChanges({
      desired: ws.desired,
      observed: observation.objects,
      state,
      hooks: Object.fromEntries([...ws.drivers].map(([name, d]) => [name, d.hooks])),
      prune: (backend) => Boolean(options.prune) || Boolean(ws.backends.get(backend)?.spec.prune),
      manifestsDigest: ws.manifests.digest,
      now: new Date(),
      generator: GENERATOR,
    });
    if (options.out) await writeFile(options.out, `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
    if (out.json) out.record(plan);
    else {
      out.line(renderPlan(plan, { color: out.color }));
      if (options.out) out.line(`\nSaved the plan to ${options.out}; apply it with: converge reconcile ${dir} --plan ${options.out}`);
    }
    return hasChanges(plan) ? EXIT.changes : EXIT.ok;
  } finally {
    await ws.close();
  }
}

function pick(options: CommonOptions): { statePath?: string; owner?: string } {
  return { ...(options.state ? { statePath: options.state } : {}), ...(options.owner ? { owner: options.owner } : {}) };
}

export { pick as workspaceOptions };
