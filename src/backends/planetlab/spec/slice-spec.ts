/**
 * The objects a Slice expands into, and their normalised specs (the same shape observe reports):
 *
 * - `Slice/<name>`: the slice at PLC: scalars, node and person sets, the tags the manifest names,
 *   the controller (tag `delegations`), and `renewalDue: false` while renewal is on (leases are
 *   desired state, DESIGN §3: a slice inside its renewal margin is drift, renewing is an update);
 * - `Slice/<name>/sliver/<hostname>`, for a delegated slice, one per node of the slice: its
 *   sliver there (`running`, `stopped` or `absent`), driven over ssh through the controller.
 *   One object per node keeps plans readable (`~ …/sliver/node2 state: running → stopped`) and
 *   failures per node: an unreachable node fails its own sliver, never the slice.
 *
 * `renewal` (the policy, for apply) and `access` (how to reach the node) ride along and are never
 * diffed; `name` and a sliver's `slice` and `node` cannot change in place.
 */
import type { SliceResource, SliverState } from '../../../manifest/types.js';
import type { JsonObject } from '../../../util/json.js';
import type { DesiredObject, PlanHooks } from '../../driver.js';

export interface SliceObjectSpec {
  name: string;
  instantiation: string;
  url?: string;
  description?: string;
  maxNodes?: number;
  nodes: string[];
  persons: string[];
  /** tags: one value as a string, several as a sorted list. */
  tags: Record<string, string | string[]>;
  controller?: string;
  renewalDue?: boolean;
  renewal?: { enabled: boolean; renewBeforeMs: number; extendToMs: number };
}

export interface SliverObjectSpec {
  slice: string;
  node: string;
  state: SliverState;
  /** access: the nm-controller slice that drives the sliver, and the ssh login (never diffed). */
  access: { controller: string; login: string };
}

export const SLICE_HOOKS: PlanHooks = { immutable: ['name', 'slice', 'node'], ignored: ['renewal', 'access'] };

/** sliverKeyOf is the key of a slice object's sliver on `hostname`. */
export function sliverKeyOf(sliceKey: string, hostname: string): string {
  return `${sliceKey}/sliver/${hostname}`;
}

/** isSliverKey tells sliver objects from slice objects. */
export function isSliverKey(key: string): boolean {
  return key.split('/')[2] === 'sliver';
}

/** tagValue normalises a tag's values: one value is a string, several a sorted list. */
export function tagValue(values: readonly string[]): string | string[] {
  return values.length === 1 ? values[0]! : [...values].sort();
}

export function expandSlice(resource: SliceResource, sshUser: string | undefined): DesiredObject[] {
  const key = `Slice/${resource.metadata.name}`;
  const spec = resource.spec;
  const nodes = [...new Set(spec.nodes.map((n) => n.toLowerCase()))].sort();
  const sliceSpec: SliceObjectSpec = {
    name: spec.name,
    instantiation: spec.instantiation,
    ...(spec.url !== undefined ? { url: spec.url } : {}),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    ...(spec.maxNodes !== undefined ? { maxNodes: spec.maxNodes } : {}),
    nodes,
    persons: [...new Set(spec.persons.map((p) => p.toLowerCase()))].sort(),
    tags: Object.fromEntries(Object.entries(spec.tags).map(([name, values]) => [name, tagValue(values)])),
    ...(spec.controller !== undefined ? { controller: spec.controller } : {}),
    ...(spec.renewal.enabled ? { renewalDue: false } : {}),
    renewal: { ...spec.renewal },
  };
  const base = { resource: key, kind: 'Slice' as const, backend: spec.backend, deletionPolicy: spec.deletionPolicy };
  const objects: DesiredObject[] = [{ ...base, key, spec: sliceSpec as unknown as JsonObject, dependsOn: [] }];
  if (spec.instantiation !== 'delegated' || !spec.controller) return objects;
  const perNode = Object.fromEntries(Object.entries(spec.slivers.nodes).map(([host, state]) => [host.toLowerCase(), state]));
  for (const node of nodes) {
    const sliver: SliverObjectSpec = { slice: spec.name, node, state: perNode[node] ?? spec.slivers.default, access: { controller: spec.controller, login: sshUser ?? spec.controller } };
    objects.push({ ...base, key: sliverKeyOf(key, node), spec: sliver as unknown as JsonObject, dependsOn: [key] });
  }
  return objects;
}
