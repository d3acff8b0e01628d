/**
 * checkPlan asks each driver with a `check` hook for problems that must stop a run before any
 * mutating call (account limits, quotas) and turns them into manifest diagnostics located at the
 * offending field, so they read like any other manifest error: `file:line:col: error: … [CODE]`.
 */
import { DiagnosticsError } from '../manifest/diagnostics-error.js';
import type { Diagnostic } from '../manifest/types.js';
import { locateField } from '../manifest/locate-field.js';
import { resourceOf } from '../plan/plan-changes.js';
import type { Observation } from './observe/observe-all.js';
import { inScope } from './scope.js';
import type { Workspace } from './workspace.js';

/**
 * Drivers check the whole desired set (an account limit spans every resource); with a `scope`,
 * only problems of resources in it stop the run.
 */
export function checkPlan(ws: Workspace, observation: Observation, scope?: ReadonlySet<string>): void {
  const found: Diagnostic[] = [];
  for (const driver of ws.drivers.values()) {
    if (!driver.check || observation.unavailable.has(driver.name)) continue;
    const desired = ws.desired.filter((d) => d.backend === driver.name);
    const observed = observation.objects.filter((o) => o.backend === driver.name);
    for (const problem of driver.check(desired, observed).filter((p) => inScope(scope, p.key))) {
      const resource = ws.manifests.resources.find((r) => `${r.kind}/${r.metadata.name}` === resourceOf(problem.key));
      const at = resource ? locateField(resource, problem.path) : { file: ws.dir, line: 1, col: 1 };
      found.push({ severity: 'error', code: problem.code as never, message: problem.message, ...at });
    }
  }
  if (found.length > 0) throw new DiagnosticsError('PLAN_CHECK_FAILED', found);
}
