/**
 * readPlanFile reads a plan saved by `converge plan --out` (for `reconcile --plan` and `show`).
 * Anything that is not a plan of this format version is PLAN_FILE_INVALID (exit 4), naming the file.
 */
import { readFile } from 'node:fs/promises';
import { ConvergeError } from '../errors/converge-error.js';
import { PLAN_FORMAT_VERSION, type Plan } from './types.js';

export async function readPlanFile(path: string): Promise<Plan> {
  let plan: Plan;
  try {
    plan = JSON.parse(await readFile(path, 'utf8')) as Plan;
  } catch (error) {
    throw new ConvergeError('INVALID', 'PLAN_FILE_INVALID', `${path}: cannot read a plan: ${(error as Error).message}`);
  }
  if (typeof plan !== 'object' || plan === null || plan.formatVersion !== PLAN_FORMAT_VERSION || !Array.isArray(plan.actions)) {
    throw new ConvergeError('INVALID', 'PLAN_FILE_INVALID', `${path}: not a converge plan of format version ${PLAN_FORMAT_VERSION}`);
  }
  return plan;
}
