/**
 * buildObserved turns the InfoSegment answers of one experiment into its ObservedObject: the
 * live segments as spec (missing ones left out), a phase, and the facts state keeps. A segment
 * `starting` counts as a change in progress only while this process is starting it; a start
 * left by a run that is gone shows as drift (its computers are not active) and is restarted.
 */
import type { JsonObject } from '../../../util/json.js';
import type { ObjectRecord } from '../../../state/types.js';
import type { ObjectStatus, ObservedObject } from '../../driver.js';
import type { SegmentInfo } from '../wire/access-api.js';
import type { SegmentSpec } from '../topology/experiment-spec.js';
import { readSegment } from '../topology/topdl-read.js';
import { idsOf, readExtra, toExtra } from './fedd-extra.js';
import type { ObserveDeps } from './observe-experiments.js';

/** ExperimentDetail is what apply needs from an observation: each live segment's allocation and state. */
export interface ExperimentDetail {
  segments: Record<string, { allocId: string; status: string }>;
}

interface LiveSegment {
  testbed: string;
  allocId: string;
  status: string;
  spec: SegmentSpec;
  nonfatalFailed: string[];
  localnames: Record<string, string>;
}

/** buildObserved: see the file comment; undefined when every recorded allocation is gone. */
export function buildObserved(
  deps: Pick<ObserveDeps, 'backend' | 'startsInFlight'>,
  record: ObjectRecord,
  reads: ReadonlyArray<{ testbed: string; allocId: string; info: SegmentInfo }>,
): ObservedObject | undefined {
  const recorded = readExtra(record);
  const live: LiveSegment[] = [];
  for (const { testbed, allocId, info } of reads) {
    if (info.gone) continue;
    const status = info.status ?? (info.topology ? 'active' : 'empty');
    const read = readSegment(info.topology, status === 'empty' ? 'starting' : status);
    const services = recorded.services[testbed] ?? [];
    live.push({ testbed, allocId, status, spec: { computers: read.computers, networks: read.networks, services }, nonfatalFailed: read.nonfatalFailed, localnames: read.localnames });
  }
  // Recorded allocations that are all gone: absent (lookup proves it). No allocation recorded at
  // all (an experiment with no instances, or whose first apply was granted nothing): present and
  // empty, so that wanting no segment converges instead of being created again on every pass.
  if (live.length === 0 && reads.length > 0) return undefined;
  live.sort((a, b) => a.testbed.localeCompare(b.testbed));
  const allocations = Object.fromEntries(live.map((s) => [s.testbed, s.allocId]));
  const liveSet = new Set(live.map((s) => s.testbed));
  const exchange = Object.fromEntries(Object.entries(recorded.exchange).filter(([key]) => liveSet.has(producerOf(key))));
  const services = Object.fromEntries(Object.entries(recorded.services).filter(([t]) => liveSet.has(t)));
  const detail: ExperimentDetail = { segments: Object.fromEntries(live.map((s) => [s.testbed, { allocId: s.allocId, status: s.status }])) };
  return {
    key: record.key,
    kind: 'Infrastructure',
    backend: deps.backend,
    ids: idsOf(allocations),
    spec: { segments: Object.fromEntries(live.map((s) => [s.testbed, s.spec])) } as unknown as JsonObject,
    status: statusOf(live, deps.startsInFlight),
    detail,
    extra: toExtra({ allocations, services, exchange }),
    ...accessOf(live),
  };
}

function statusOf(live: readonly LiveSegment[], startsInFlight: ReadonlySet<string>): ObjectStatus {
  const inFlight = live.filter((s) => s.status === 'starting' && startsInFlight.has(s.allocId));
  if (inFlight.length > 0) return { phase: 'progressing', changing: true, message: `segment(s) starting: ${inFlight.map((s) => s.testbed).join(', ')}` };
  const problems = live.flatMap((s) =>
    Object.entries(s.spec.computers)
      .filter(([, c]) => c.status !== 'active')
      .map(([name, c]) => `${s.testbed}/${name} ${c.status}`),
  );
  const empty = live.filter((s) => Object.keys(s.spec.computers).length === 0).map((s) => s.testbed);
  const tolerated = live.flatMap((s) => s.nonfatalFailed.map((n) => `${s.testbed}/${n}`));
  const note = tolerated.length > 0 ? `; nonfatal node(s) failed: ${tolerated.join(', ')}` : '';
  if (problems.length > 0) return { phase: 'degraded', message: `${problems.slice(0, 5).join(', ')}${problems.length > 5 ? ` and ${problems.length - 5} more` : ''}${note}` };
  if (empty.length > 0) return { phase: 'progressing', message: `segment(s) allocated but not started: ${empty.join(', ')}` };
  return { phase: 'ready', ...(note ? { message: note.slice(2) } : {}) };
}

/** producerOf reads the producing testbed of an exchange key (`…/<network>/<producer>><consumer>/<name>`). */
export function producerOf(key: string): string {
  const pair = key.split('/').at(-2) ?? '';
  return pair.split('>')[0] ?? '';
}

/** accessOf lists each live computer's DNS name (topdl localname) as `<testbed> <computer>`. */
function accessOf(live: readonly LiveSegment[]): Pick<ObservedObject, 'access'> {
  const nodes = live.flatMap((s) => Object.entries(s.localnames).map(([name, hostname]) => ({ of: `${s.testbed} ${name}`, hostname })));
  return nodes.length > 0 ? { access: { nodes } } : {};
}
