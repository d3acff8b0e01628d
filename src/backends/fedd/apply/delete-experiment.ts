/**
 * deleteExperiment tears every live segment of an experiment down (TerminateSegment, then
 * ReleaseAccess, all testbeds at once) and forgets its exchange keys, failing any waiter. An
 * allocation that is already gone (Badly Formed Request) counts as done, so deleting twice works.
 */
import { PartialResultError } from '../../partial-result.js';
import type { ApplyContext, ApplyResult, ObservedObject } from '../../driver.js';
import { idsOf, readExtra, toExtra } from '../observe/fedd-extra.js';
import type { ExperimentDetail } from '../observe/observed-experiment.js';
import { experimentPrefix, type ExperimentDeps } from './realize-experiment.js';
import { tearDown } from './segment-calls.js';

/** deleteExperiment releases everything an experiment holds; deleting twice succeeds. */
export async function deleteExperiment(deps: ExperimentDeps, observed: ObservedObject, ctx: ApplyContext): Promise<ApplyResult> {
  const detail = observed.detail as ExperimentDetail | undefined;
  const facts = readExtra(observed);
  deps.store.forget(experimentPrefix(observed.key));
  const results = await Promise.allSettled(
    Object.entries(facts.allocations).map(async ([testbed, allocId]) => {
      const api = deps.apis.get(testbed);
      if (!api) throw new Error(`testbed ${testbed} is not declared by the backend; its allocation fedid:${allocId} cannot be released`);
      await tearDown(api, allocId, detail?.segments[testbed]?.status === 'starting', ctx);
      delete facts.allocations[testbed];
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw new PartialResultError(failed.reason, toExtra({ ...facts, exchange: {} }));
  return { ids: idsOf({}), extra: toExtra({ allocations: {}, services: {}, exchange: {} }) };
}
