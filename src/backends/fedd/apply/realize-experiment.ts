/**
 * realizeExperiment makes an experiment's segments match its desired spec, level-based (create
 * and update are the same walk from whatever is live), in named steps:
 * 1. tear down the segments of testbeds no longer used (TerminateSegment, ReleaseAccess);
 * 2. RequestAccess on every testbed without a live allocation, concurrently;
 * 3. TerminateSegment the live segments that must restart (with force only for a start left
 *    behind by a run that is gone);
 * 4. revoke the exchange keys those segments publish, and grant the experiment's allocations
 *    the use of its keys;
 * 5. StartSegment on all of them at once: each access controller publishes its outputs and
 *    blocks on its inputs (GetValue), so the starts must overlap; one failed start revokes its
 *    unpublished outputs so that its peers fail now instead of at their input timeout.
 * What it learned (allocations, services, exchange values) is returned as `extra`, also when a
 * step fails (PartialResultError), so an allocation is never forgotten.
 */
import { asConvergeError } from '../../../errors/converge-error.js';
import { PartialResultError } from '../../partial-result.js';
import type { ApplyContext, ApplyResult, DesiredObject, ObservedObject } from '../../driver.js';
import type { ExchangeStore } from '../exchange/exchange-store.js';
import { idsOf, readExtra, toExtra, type FeddExtra } from '../observe/fedd-extra.js';
import { producerOf, type ExperimentDetail } from '../observe/observed-experiment.js';
import { connectionsOf, outputKeys } from '../topology/connections.js';
import type { ExperimentSpec } from '../topology/experiment-spec.js';
import { connectionInfo, segmentTopology, serviceInfo } from '../topology/topdl-write.js';
import type { AccessApi } from '../wire/access-api.js';
import { planSegments } from './plan-segments.js';
import { requestAccess, startSegment, tearDown, terminateSegment } from './segment-calls.js';

/** ExperimentDeps is what applying an experiment needs from the driver. */
export interface ExperimentDeps {
  apis: ReadonlyMap<string, AccessApi>;
  store: ExchangeStore;
  storeUrl: string;
  /** credentials are the three-level-name strings sent with RequestAccess (user:…, project:…). */
  credentials: string[];
  /** startsInFlight holds allocations whose StartSegment is being made (observe reads it). */
  startsInFlight: Set<string>;
}

/** experimentPrefix is the exchange-key prefix of an experiment (its resource name). */
export function experimentPrefix(resource: string): string {
  return `converge/${resource.split('/')[1] ?? resource}`;
}

interface Run {
  deps: ExperimentDeps;
  ctx: ApplyContext;
  prefix: string;
  want: ExperimentSpec;
  have: ExperimentSpec;
  facts: FeddExtra;
  status: Record<string, string>;
}

/** realizeExperiment creates or updates an experiment (see the file comment); idempotent. */
export async function realizeExperiment(deps: ExperimentDeps, desired: DesiredObject, observed: ObservedObject | undefined, ctx: ApplyContext): Promise<ApplyResult> {
  const detail = observed?.detail as ExperimentDetail | undefined;
  const facts = observed ? readExtra(observed) : { allocations: {}, services: {}, exchange: {} };
  const run: Run = {
    deps,
    ctx,
    prefix: experimentPrefix(desired.resource),
    want: desired.spec as unknown as ExperimentSpec,
    have: (observed?.spec as unknown as ExperimentSpec | undefined) ?? { segments: {} },
    facts,
    status: Object.fromEntries(Object.entries(detail?.segments ?? {}).map(([t, s]) => [t, s.status])),
  };
  const plan = planSegments(run.want, run.have, new Set(Object.keys(facts.allocations)), run.prefix, (key) => deps.store.has(key));
  try {
    await removeSegments(run, plan.remove);
    await settleAll(plan.access.map((t) => grantAccess(run, t)));
    await settleAll(plan.start.filter((t) => hasSegment(run, t)).map((t) => stopForRestart(run, t)));
    prepareExchange(run, plan.start);
    await settleAll(plan.start.map((t) => start(run, t)));
  } catch (error) {
    throw new PartialResultError(error, resultOf(run).extra ?? {});
  }
  return resultOf(run);
}

async function removeSegments(run: Run, testbeds: string[]): Promise<void> {
  await settleAll(
    testbeds.map(async (testbed) => {
      const allocId = run.facts.allocations[testbed];
      run.deps.store.revoke(outputKeys(run.have, testbed, run.prefix), `segment ${testbed} is torn down`);
      if (allocId) await tearDown(api(run, testbed), allocId, run.status[testbed] === 'starting', run.ctx);
      delete run.facts.allocations[testbed];
      delete run.facts.services[testbed];
    }),
  );
}

async function grantAccess(run: Run, testbed: string): Promise<void> {
  const services = (run.want.segments[testbed]?.services ?? []).map(serviceInfo);
  run.facts.allocations[testbed] = await requestAccess(api(run, testbed), run.deps.credentials, services, run.ctx);
  run.status[testbed] = 'empty';
}

function hasSegment(run: Run, testbed: string): boolean {
  const status = run.status[testbed];
  return status !== undefined && status !== 'empty';
}

async function stopForRestart(run: Run, testbed: string): Promise<void> {
  const allocId = run.facts.allocations[testbed]!;
  run.deps.store.revoke(outputKeys(run.have, testbed, run.prefix), `segment ${testbed} restarts`);
  await terminateSegment(api(run, testbed), allocId, run.status[testbed] === 'starting', run.ctx);
  run.status[testbed] = 'empty';
}

function prepareExchange(run: Run, starting: string[]): void {
  for (const testbed of starting) run.deps.store.revoke(outputKeys(run.want, testbed, run.prefix), `segment ${testbed} restarts`);
  run.deps.store.grant(run.prefix, Object.values(run.facts.allocations));
}

async function start(run: Run, testbed: string): Promise<void> {
  const allocId = run.facts.allocations[testbed]!;
  const segment = run.want.segments[testbed]!;
  const request = {
    topology: segmentTopology(testbed, segment),
    services: segment.services.map(serviceInfo),
    connections: connectionsOf(run.want, testbed, run.prefix).map((c) => connectionInfo(c, run.deps.storeUrl)),
    fedAttr: [{ attribute: 'experiment', value: run.prefix.slice('converge/'.length) }],
  };
  run.deps.startsInFlight.add(allocId);
  try {
    await startSegment(api(run, testbed), allocId, request, run.ctx);
    run.facts.services[testbed] = segment.services;
    run.status[testbed] = 'active';
  } catch (error) {
    const unpublished = outputKeys(run.want, testbed, run.prefix).filter((key) => !run.deps.store.has(key));
    run.deps.store.revoke(unpublished, `segment ${testbed} failed to start`);
    throw error;
  } finally {
    run.deps.startsInFlight.delete(allocId);
  }
}

function resultOf(run: Run): ApplyResult {
  const live = new Set(Object.keys(run.facts.allocations));
  const exchange = Object.fromEntries(Object.entries(run.deps.store.valuesOf(run.prefix)).filter(([key]) => live.has(producerOf(key))));
  const services = Object.fromEntries(Object.entries(run.facts.services).filter(([t]) => live.has(t)));
  return { ids: idsOf(run.facts.allocations), extra: toExtra({ allocations: run.facts.allocations, services, exchange }) };
}

function api(run: Run, testbed: string): AccessApi {
  const found = run.deps.apis.get(testbed);
  if (!found) throw new Error(`testbed ${testbed} is not declared by the backend`);
  return found;
}

/** settleAll waits for every step (none is abandoned mid-call) and then throws the first failure. */
async function settleAll(steps: Array<Promise<void>>): Promise<void> {
  const results = await Promise.allSettled(steps);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw asConvergeError(failed.reason);
}
