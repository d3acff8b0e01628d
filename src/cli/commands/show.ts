/**
 * `converge show PLAN`: print a plan saved by `plan --out` in the same human form `plan` uses,
 * or with `--json` as the plan document itself. Contacts no backend and reads no state.
 */
import { readPlanFile } from '../../plan/read-plan-file.js';
import { renderPlan } from '../../plan/render.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';

export async function showCommand(path: string, out: Output): Promise<ExitCode> {
  const plan = await readPlanFile(path);
  if (out.json) out.record(plan);
  else {
    out.line(`Saved plan ${path}, made ${plan.createdAt} by ${plan.generator} (state serial ${plan.state.serial}):\n`);
    out.line(renderPlan(plan, { color: out.color }));
  }
  return EXIT.ok;
}
