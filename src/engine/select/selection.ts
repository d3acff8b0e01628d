/**
 * Selection of resources for `--target Kind/name` and `-l key=value` (plan, reconcile, watch,
 * destroy). The result is a scope (see ../scope.ts): a set of resource keys. Only the selected
 * resources are planned and applied; the others are neither observed for changes nor reported as
 * removed.
 *
 * Dependencies are included as Terraform includes them: a workload resource needs only its
 * Backend, which has no objects of its own, so the scope holds workload resources. A target
 * naming a Backend (`Backend/im-local`) selects every resource on that backend. Targets and
 * labels combine as a union of targets, intersected with the label selectors (all must match,
 * like kubectl's `-l a=b,c=d`). A target or selector that selects nothing is a usage error: a
 * typo must never mean "nothing to do".
 */
import { ConvergeError } from '../../errors/converge-error.js';
import type { ManifestSet, WorkloadResource } from '../../manifest/types.js';

/** SelectionFlags are the raw `--target` and `-l` values of one command. */
export interface SelectionFlags {
  targets?: readonly string[];
  labels?: readonly string[];
}

/** LabelSelector is one parsed `key=value` (or `key!=value`) selector. */
export interface LabelSelector {
  key: string;
  value: string;
  negated: boolean;
}

/** parseLabelSelector reads `key=value`, `key==value` or `key!=value`; anything else is USAGE. */
export function parseLabelSelector(text: string): LabelSelector[] {
  return text.split(',').map((part) => {
    const m = /^\s*([A-Za-z0-9_.\/-]+)\s*(!=|==|=)\s*([A-Za-z0-9_.\/-]*)\s*$/.exec(part);
    if (!m) throw new ConvergeError('INVALID', 'USAGE', `-l ${text}: expected key=value or key!=value (labels from metadata.labels)`);
    return { key: m[1]!, value: m[3]!, negated: m[2] === '!=' };
  });
}

/** matchesLabels is true when the resource's metadata.labels satisfy every selector. */
export function matchesLabels(labels: Readonly<Record<string, string>>, selectors: readonly LabelSelector[]): boolean {
  return selectors.every((s) => (labels[s.key] === s.value) !== s.negated);
}

/**
 * selectScope turns the flags into a scope of resource keys, or undefined when no flag was given
 * (everything). Throws USAGE naming the flag when a target or selector selects nothing.
 */
export function selectScope(manifests: ManifestSet, flags: SelectionFlags): Set<string> | undefined {
  const targets = flags.targets ?? [];
  const labels = flags.labels ?? [];
  if (targets.length === 0 && labels.length === 0) return undefined;
  const workloads = manifests.resources.filter((r): r is WorkloadResource => r.kind !== 'Backend');
  let chosen = targets.length === 0 ? workloads : targets.flatMap((t) => resourcesForTarget(t, manifests, workloads));
  for (const text of labels) {
    const selectors = parseLabelSelector(text);
    chosen = chosen.filter((r) => matchesLabels(r.metadata.labels, selectors));
  }
  if (chosen.length === 0) {
    throw new ConvergeError('INVALID', 'USAGE', `${describe(flags)} select no resource in the manifests; nothing would be planned`);
  }
  return new Set(chosen.map((r) => `${r.kind}/${r.metadata.name}`));
}

function resourcesForTarget(target: string, manifests: ManifestSet, workloads: readonly WorkloadResource[]): WorkloadResource[] {
  const m = /^([A-Za-z]+)\/(.+)$/.exec(target);
  if (!m) throw new ConvergeError('INVALID', 'USAGE', `--target ${target}: expected Kind/name, e.g. Infrastructure/web`);
  const [, kind, name] = m as unknown as [string, string, string];
  if (kind === 'Backend') {
    if (!manifests.resources.some((r) => r.kind === 'Backend' && r.metadata.name === name)) throw unknownTarget(target, manifests);
    return workloads.filter((r) => r.spec.backend === name);
  }
  const found = workloads.filter((r) => r.kind === kind && r.metadata.name === name);
  if (found.length === 0) throw unknownTarget(target, manifests);
  return found;
}

function unknownTarget(target: string, manifests: ManifestSet): ConvergeError {
  const known = manifests.resources.map((r) => `${r.kind}/${r.metadata.name}`).join(', ');
  return new ConvergeError('INVALID', 'USAGE', `--target ${target}: no such resource in the manifests (they declare: ${known})`);
}

function describe(flags: SelectionFlags): string {
  return [...(flags.targets ?? []).map((t) => `--target ${t}`), ...(flags.labels ?? []).map((l) => `-l ${l}`)].join(' ');
}
