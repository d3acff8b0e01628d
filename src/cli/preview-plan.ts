/**
 * previewPlan computes the plan a command shows before it asks for approval (reconcile and
 * destroy on a terminal). Like `converge plan` it only looks: no recovery, no journal writes.
 * The plan shown is then applied as a saved plan, so a change between the answer and the first
 * pass is refused as stale (exit 6) instead of applying something nobody saw.
 */
import { checkPlan } from '../engine/check-plan.js';
import { planFromSurvey, settleGraceFor, type PlanPassOptions } from '../engine/plan-pass.js';
import { survey } from '../engine/survey.js';
import type { Workspace } from '../engine/workspace.js';
import type { Plan } from '../plan/types.js';
import { ConvergeError } from '../errors/converge-error.js';
import type { Output } from './output.js';

export async function previewPlan(ws: Workspace, out: Output, options: Omit<PlanPassOptions, 'now'>, signal: AbortSignal): Promise<Plan> {
  const state = await ws.store.read();
  const now = new Date();
  const quiet: Output = { ...out, emit: () => undefined };
  const looked = await survey({ drivers: ws.drivers, journal: ws.store.journal, state, desired: ws.desired, signal, sink: quiet, stats: ws.stats, now, recover: false, settle: false, graceMs: settleGraceFor(ws) });
  const unavailable = [...looked.observation.unavailable];
  if (unavailable.length > 0) {
    const [backend, error] = unavailable[0]!;
    throw new ConvergeError(error.kind, error.code, `backend ${backend} could not be observed: ${error.message}`);
  }
  if (!options.destroy) checkPlan(ws, looked.observation, options.scope);
  return planFromSurvey(ws, looked, state, { ...options, now });
}
