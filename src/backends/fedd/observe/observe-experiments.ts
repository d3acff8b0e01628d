/**
 * Observing fedd experiments. Access controllers cannot list allocations, so what converge owns
 * is what state records: each experiment's allocation per testbed. One InfoSegment per recorded
 * allocation, all in parallel under the backend's connection limit; a testbed with nothing to
 * read is probed once (InfoSegment of no allocation), so an unreachable access controller shows
 * before anything is planned against it. Per allocation:
 * - `Badly Formed Request` (no such allocation): gone, e.g. an access controller restarted without
 *   its allocations; the segment is missing from the observed spec, which the plan repairs;
 * - `Access Denied`: it exists but is not ours: UNAUTHORIZED naming the object (never "gone");
 * - otherwise its live topology and statuses become the segment's observed spec.
 * An experiment none of whose allocations exists is not reported (lookup then proves it gone).
 */
import { isKind } from '../../../errors/converge-error.js';
import { mapLimit } from '../../../engine/semaphore.js';
import type { ObjectRecord } from '../../../state/types.js';
import type { LookupResult, ObservedObject, ObserveContext } from '../../driver.js';
import type { AccessApi, SegmentInfo } from '../wire/access-api.js';
import { readExtra } from './fedd-extra.js';
import { buildObserved } from './observed-experiment.js';

/** ObserveDeps: the access controllers by testbed, the read limit, and the starts in flight here. */
export interface ObserveDeps {
  backend: string;
  apis: ReadonlyMap<string, AccessApi>;
  parallel: number;
  /** startsInFlight holds allocations whose StartSegment this process is making. */
  startsInFlight: ReadonlySet<string>;
}

interface Read {
  record: ObjectRecord;
  testbed: string;
  allocId: string;
  info: SegmentInfo;
}

/** observeExperiments reports every recorded experiment with a live allocation (see the file comment). */
export async function observeExperiments(deps: ObserveDeps, ctx: ObserveContext): Promise<ObservedObject[]> {
  const records = ctx.records.filter((r) => r.kind === 'Infrastructure' && !r.orphaned);
  const reads = await readAll(deps, records, ctx.signal);
  await probeUnread(deps, reads, ctx.signal);
  return records.flatMap((record) => {
    const observed = buildObserved(deps, record, reads.filter((r) => r.record === record));
    return observed ? [observed] : [];
  });
}

/** lookupExperiments reads recorded experiments observe did not report: present, or gone with the evidence. */
export async function lookupExperiments(deps: ObserveDeps, records: readonly ObjectRecord[], signal: AbortSignal): Promise<LookupResult[]> {
  const reads = await readAll(deps, records, signal);
  return records.map((record): LookupResult => {
    const mine = reads.filter((r) => r.record === record);
    const observed = buildObserved(deps, record, mine);
    if (observed) return { key: record.key, presence: 'present', objects: [observed] };
    const evidence = mine.map((r) => (r.info.gone ? r.info.evidence : '')).filter(Boolean).join('; ');
    return { key: record.key, presence: 'gone', evidence: evidence || 'no allocation is recorded for it' };
  });
}

async function readAll(deps: ObserveDeps, records: readonly ObjectRecord[], signal: AbortSignal): Promise<Read[]> {
  const wanted = records.flatMap((record) => Object.entries(readExtra(record).allocations).map(([testbed, allocId]) => ({ record, testbed, allocId })));
  return mapLimit(wanted, deps.parallel, async (w): Promise<Read> => {
    const api = deps.apis.get(w.testbed);
    if (!api) return { ...w, info: { gone: true, evidence: `testbed ${w.testbed} is no longer declared by backend ${deps.backend}` } };
    try {
      return { ...w, info: await api.infoSegment(w.allocId, signal) };
    } catch (error) {
      if (isKind(error, 'UNAUTHORIZED')) error.details.key = w.record.key;
      throw error;
    }
  });
}

async function probeUnread(deps: ObserveDeps, reads: readonly Read[], signal: AbortSignal): Promise<void> {
  const read = new Set(reads.map((r) => r.testbed));
  const unread = [...deps.apis.values()].filter((api) => !read.has(api.testbed));
  await mapLimit(unread, deps.parallel, (api) => api.probe(signal));
}
