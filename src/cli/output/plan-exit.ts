/**
 * planExitCode: `converge plan` exits 0 when applying the plan would change nothing and 2 when it
 * would (DESIGN §7). With `--detailed-exitcode` (Terraform's flag) objects no longer in any
 * manifest and left alone because prune is off count as changes too, so CI can flag a removed
 * manifest that nobody pruned: 0 = nothing to do and nothing left behind, 2 = changes or
 * left-alone objects. Errors keep their own codes either way (1, 4, …: never 0 or 2).
 */
import { hasChanges, type Plan } from '../../plan/types.js';
import { EXIT, type ExitCode } from '../exit-codes.js';

export function planExitCode(plan: Plan, detailed: boolean): ExitCode {
  if (hasChanges(plan)) return EXIT.changes;
  if (detailed && (plan.leftAlone ?? []).length > 0) return EXIT.changes;
  return EXIT.ok;
}
