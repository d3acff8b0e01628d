/**
 * observePlanetLab is one observation of a planetlab backend: the PLC view (one multicall,
 * plc-view.ts), the slices that carry this owner's marker (slice-facts.ts), and the delegated
 * slivers of those slices through the nodes (sliver-facts.ts). The view is kept by the driver
 * for the plan-time check and for create's refusal of names held by other slices.
 */
import type { SliverState } from '../../../manifest/types.js';
import type { ObjectRecord } from '../../../state/types.js';
import type { ObservedObject, ObserveContext } from '../../driver.js';
import type { NmClient } from '../nm/nm-client.js';
import type { PlcApi } from '../plc/plc-api.js';
import { isSliverKey, type SliceObjectSpec, type SliverObjectSpec } from '../spec/slice-spec.js';
import type { LagBackoff } from './lag-backoff.js';
import { readPlcView, type PlcView } from './plc-view.js';
import { sliceFacts, type SliceDetail } from './slice-facts.js';
import { sliverFacts, type SliverCandidate } from './sliver-facts.js';

export interface ObserveDeps {
  api: PlcApi;
  nm: NmClient;
  lag: LagBackoff;
  backend: string;
  /** sshUser overrides the login (default: each slice's controller name). */
  sshUser?: string;
  parallel: number;
}

export interface Observation {
  objects: ObservedObject[];
  view: PlcView;
  foreign: Map<string, string>;
}

export async function observePlanetLab(deps: ObserveDeps, ctx: ObserveContext): Promise<Observation> {
  const slices = ctx.desired.filter((d) => !isSliverKey(d.key)).map((d) => d.spec as unknown as SliceObjectSpec);
  const records = ctx.records.filter((r) => r.kind === 'Slice' && !r.orphaned);
  const names = unique([...slices.map((s) => s.name), ...slices.flatMap((s) => (s.controller ? [s.controller] : [])), ...records.flatMap((r) => (r.ids.name ? [r.ids.name] : []))]);
  const view = await readPlcView(
    deps.api,
    { names, hosts: unique(slices.flatMap((s) => s.nodes)), emails: unique(slices.flatMap((s) => s.persons)), prefixes: unique(slices.map((s) => s.name.split('_')[0] ?? s.name)) },
    ctx.signal,
  );
  const isAdmin = view.caller?.roles.includes('admin') ?? false;
  const facts = sliceFacts(view, { backend: deps.backend, owner: ctx.owner, account: deps.api.username, isAdmin, now: ctx.now, desired: ctx.desired, records });
  const created = new Map(view.slices.map((s) => [s.name, s.created * 1000]));
  const slivers = await sliverFacts(deps.nm, sliverCandidates(deps, facts.objects, ctx.desired, records), {
    backend: deps.backend,
    now: ctx.now,
    signal: ctx.signal,
    parallel: deps.parallel,
    lag: deps.lag,
    controllerCreatedMs: (controller) => created.get(controller),
  });
  return { objects: [...facts.objects, ...slivers], view, foreign: facts.foreign };
}

/** sliverCandidates: the desired slivers of observed slices, and the recorded ones no longer desired. */
function sliverCandidates(deps: ObserveDeps, slices: readonly ObservedObject[], desired: ObserveContext['desired'], records: readonly ObjectRecord[]): SliverCandidate[] {
  const candidates: SliverCandidate[] = [];
  const recorded = new Map(records.filter((r) => isSliverKey(r.key)).map((r) => [r.key, r]));
  for (const slice of slices) {
    const detail = slice.detail as SliceDetail;
    const controller = (slice.spec as unknown as SliceObjectSpec).controller ?? detail.tags.find((t) => t.tagname === 'delegations')?.value;
    const prefix = `${slice.key}/sliver/`;
    const wanted = desired.filter((d) => d.key.startsWith(prefix));
    for (const d of wanted) {
      const spec = d.spec as unknown as SliverObjectSpec;
      const delegationPending = controller !== spec.access.controller;
      candidates.push({ ...base(d.key, slice, detail, spec.node, recorded.get(d.key)), controller: spec.access.controller, login: spec.access.login, desired: spec, ...(delegationPending ? { delegationPending } : {}) });
    }
    for (const [key, record] of recorded) {
      if (!key.startsWith(prefix) || wanted.some((d) => d.key === key)) continue;
      const host = key.slice(prefix.length);
      const ctl = String(record.extra?.controller ?? controller ?? '');
      if (ctl === '') continue;
      candidates.push({ ...base(key, slice, detail, host, record), controller: ctl, login: String(record.extra?.login ?? deps.sshUser ?? ctl) });
    }
  }
  return candidates;
}

function base(key: string, slice: ObservedObject, detail: SliceDetail, host: string, record: ObjectRecord | undefined): Omit<SliverCandidate, 'controller' | 'login'> {
  const state = record?.extra?.state as SliverState | undefined;
  const controller = typeof record?.extra?.controller === 'string' && record.extra.controller !== '' ? record.extra.controller : undefined;
  return { key, sliceKey: slice.key, slice: detail.name, sliceId: detail.sliceId, host, ...(state ? { recordedState: state } : {}), ...(controller ? { recordedController: controller } : {}) };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
