/**
 * The plan-time check (DESIGN §3: problems found before any mutating call are located
 * diagnostics, exit 4), from what the last observation read of PLC:
 *
 * - SLICE_NAME_DUPLICATE   two Slice resources name the same PLC slice;
 * - SLICE_SITE_PREFIX      the name's prefix is not a site at PLC, or (non-admins) not a site of
 *                          the account: PLC would refuse AddSlice;
 * - SITE_SLICE_LIMIT       the site's max_slices leaves no room for the slices to create, or is 0
 *                          while a renewal is due (PLC refuses both);
 * - SLICE_RENEWAL_CAP      extendTo beyond PLC's 8 weeks for an account that is not an admin;
 * - SLICE_UNKNOWN_NODE     a host PLC does not show (AddSliceToNodes would ignore it silently,
 *                          and the plan would never converge);
 * - SLICE_UNKNOWN_PERSON   an e-mail PLC does not show to this account (a PI sees its sites' people);
 * - SLICE_CONTROLLER       a controller that is neither a live nm-controller slice at PLC nor
 *                          described by a Slice of these manifests;
 * - SSH_NOT_CONFIGURED     a delegated slice on a backend without spec.ssh key and known_hosts.
 */
import type { SliceResource } from '../../../manifest/types.js';
import type { DesiredObject, ObservedObject, PlanProblem } from '../../driver.js';
import { RENEWAL_CAP_MS } from '../observe/renewal-facts.js';
import type { SliceDetail } from '../observe/slice-facts.js';
import type { PlcView } from '../observe/plc-view.js';
import { isSliverKey, type SliceObjectSpec } from '../spec/slice-spec.js';

export interface CheckInput {
  view: PlcView | undefined;
  resources: ReadonlyMap<string, SliceResource>;
  username: string;
  sshConfigured: boolean;
}

export function checkSlices(input: CheckInput, desired: readonly DesiredObject[], observed: readonly ObservedObject[]): PlanProblem[] {
  const view = input.view;
  if (!view) return [];
  const observedKeys = new Map(observed.map((o) => [o.key, o]));
  const slices = desired.filter((d) => !isSliverKey(d.key));
  const problems: PlanProblem[] = [];
  const firstByName = new Map<string, string>();
  const creates = new Map<string, DesiredObject[]>();
  for (const d of slices) {
    const spec = d.spec as unknown as SliceObjectSpec;
    const resource = input.resources.get(d.key);
    const problem = (path: Array<string | number>, code: string, message: string): void => void problems.push({ key: d.key, path, code, message });
    const earlier = firstByName.get(spec.name);
    if (earlier) problem(['spec', 'name'], 'SLICE_NAME_DUPLICATE', `slice ${spec.name} is already described by ${earlier}; one PLC slice, one Slice resource`);
    firstByName.set(spec.name, earlier ?? d.key);
    const live = observedKeys.get(d.key);
    if (!live) creates.set(prefixOf(spec.name), [...(creates.get(prefixOf(spec.name)) ?? []), d]);
    checkPrefix(view, input.username, spec, live, problem);
    checkRenewal(view, spec, live, problem);
    checkMembers(view, spec, resource, problem);
    if (spec.controller !== undefined) checkController(view, spec.controller, slices, problem);
    if (spec.instantiation === 'delegated' && !input.sshConfigured) {
      problem(['spec', 'controller'], 'SSH_NOT_CONFIGURED', `a delegated slice's slivers are driven over ssh: backend ${d.backend} needs spec.ssh.privateKey and spec.ssh.knownHosts`);
    }
  }
  problems.push(...siteLimits(view, creates));
  return problems;
}

type Report = (path: Array<string | number>, code: string, message: string) => void;

function prefixOf(name: string): string {
  return name.split('_')[0] ?? name;
}

function isAdmin(view: PlcView): boolean {
  return view.caller?.roles.includes('admin') ?? false;
}

function checkPrefix(view: PlcView, username: string, spec: SliceObjectSpec, live: ObservedObject | undefined, problem: Report): void {
  const prefix = prefixOf(spec.name);
  const site = view.sites.get(prefix);
  if (!site) return problem(['spec', 'name'], 'SLICE_SITE_PREFIX', `${prefix} (the prefix of ${spec.name}) is not a site at PLC: a slice name starts with its site's login_base`);
  if (live || isAdmin(view) || view.caller?.siteIds.includes(site.siteId)) return;
  problem(['spec', 'name'], 'SLICE_SITE_PREFIX', `${spec.name} is outside the sites of ${username}: PLC lets a PI create slices only under the login_base of one of its own sites`);
}

function checkRenewal(view: PlcView, spec: SliceObjectSpec, live: ObservedObject | undefined, problem: Report): void {
  const renewal = spec.renewal;
  if (!renewal?.enabled) return;
  if (renewal.extendToMs > RENEWAL_CAP_MS && !isAdmin(view)) {
    const days = Math.round(renewal.extendToMs / 86_400_000);
    problem(['spec', 'renewal', 'extendTo'], 'SLICE_RENEWAL_CAP', `renewal.extendTo is ${days} days: PLC refuses to renew a slice beyond 8 weeks (56d) from now unless the account is a PLC admin`);
  }
  const due = (live?.detail as SliceDetail | undefined)?.renewal.due;
  const site = view.sites.get(prefixOf(spec.name));
  if (due && site && site.maxSlices <= 0) {
    problem(['spec', 'renewal'], 'SITE_SLICE_LIMIT', `${spec.name} is due for renewal, but site ${site.loginBase} has max_slices 0: PLC has disabled slice creation and renewal there`);
  }
}

/** checkController: the controller must be an nm-controller slice, live or about to be made. */
function checkController(view: PlcView, controller: string, slices: readonly DesiredObject[], problem: Report): void {
  const described = slices.map((d) => d.spec as unknown as SliceObjectSpec).find((s) => s.name === controller);
  const live = view.slices.find((s) => s.name === controller);
  const instantiation = described?.instantiation ?? live?.instantiation;
  if (instantiation === undefined) {
    problem(['spec', 'controller'], 'SLICE_CONTROLLER', `controller ${controller} is not a live slice at PLC (or not one this account can see), and no Slice here describes it`);
  } else if (instantiation !== 'nm-controller') {
    problem(['spec', 'controller'], 'SLICE_CONTROLLER', `controller ${controller} is a ${instantiation} slice; only an nm-controller slice gets the account on the nodes that redeems tickets`);
  }
}

function checkMembers(view: PlcView, spec: SliceObjectSpec, resource: SliceResource | undefined, problem: Report): void {
  const index = (list: readonly string[] | undefined, value: string): number => Math.max(0, (list ?? []).findIndex((v) => v.toLowerCase() === value));
  for (const host of spec.nodes.filter((h) => !view.nodeByHost.has(h))) {
    problem(['spec', 'nodes', index(resource?.spec.nodes, host)], 'SLICE_UNKNOWN_NODE', `node ${host} is not known at PLC (or is whitelisted for other slices): PLC would ignore it silently`);
  }
  for (const email of spec.persons.filter((e) => !view.personByEmail.has(e))) {
    problem(['spec', 'persons', index(resource?.spec.persons, email)], 'SLICE_UNKNOWN_PERSON', `person ${email} is not known at PLC, or not visible to this account (a PI sees the people of its own sites)`);
  }
}

function siteLimits(view: PlcView, creates: Map<string, DesiredObject[]>): PlanProblem[] {
  const problems: PlanProblem[] = [];
  for (const [prefix, wanted] of creates) {
    const site = view.sites.get(prefix);
    if (!site || site.sliceIds.length + wanted.length <= site.maxSlices) continue;
    const why = site.maxSlices <= 0
      ? `site ${site.loginBase} has max_slices 0: PLC has disabled slice creation there until an admin raises it`
      : `site ${site.loginBase} allows ${site.maxSlices} slices and holds ${site.sliceIds.length}; ${wanted.length} more would exceed it`;
    for (const d of wanted) problems.push({ key: d.key, path: ['spec', 'name'], code: 'SITE_SLICE_LIMIT', message: `cannot create ${(d.spec as unknown as SliceObjectSpec).name}: ${why}` });
  }
  return problems;
}
