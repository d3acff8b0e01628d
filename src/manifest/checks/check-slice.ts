/**
 * Checks inside one Slice that the schema cannot say well (planetlab.md §A5, §B4):
 * - the controller is ONE nm-controller slice: the Node Manager compares the `delegations` tag
 *   with the caller's name exactly, so a list (YAML or comma-separated) never works;
 * - `delegations` is written from `controller`, never as a tag;
 * - a controller and slivers belong to delegated slices only, and per-node sliver states name
 *   nodes the slice is on;
 * - while renewal is on, url and description are needed (PLC refuses to renew without them),
 *   and renewBefore must be shorter than extendTo (else every renewal would be due at once).
 * Tolerant of bad shapes (the schema reports those).
 */
import { formatFieldPath, type FieldPath } from '../field-path.js';
import { report, type ManifestDocument } from '../manifest-document.js';
import { isRecord, valueAt } from '../raw-value.js';
import { parseDuration } from '../units.js';

const SPEC: FieldPath = ['spec'];

/** checkSliceMembers reports SLICE_CONTROLLER, SLICE_TAGS, SLICE_SLIVERS and SLICE_RENEWAL. */
export function checkSliceMembers(document: ManifestDocument): void {
  const spec = valueAt(document.value, SPEC);
  if (!isRecord(spec)) return;
  const delegated = spec.instantiation === 'delegated';
  checkController(document, spec.controller, delegated);
  checkTags(document, spec.tags);
  checkSlivers(document, spec, delegated);
  checkRenewal(document, spec);
}

function checkController(document: ManifestDocument, controller: unknown, delegated: boolean): void {
  const path = [...SPEC, 'controller'];
  if (controller === undefined) return;
  const list = Array.isArray(controller) ? controller : typeof controller === 'string' && /[,\s]/.test(controller.trim()) ? controller.split(/[,\s]+/) : undefined;
  if (list) {
    report(document, 'SLICE_CONTROLLER', path,
      `${formatFieldPath(path)}: name ONE nm-controller slice, not a list of ${list.length}: the Node Manager accepts a delegated call only when the delegations tag equals the caller's name exactly, so a list never matches`,
      { supersede: path });
    return;
  }
  if (!delegated) {
    report(document, 'SLICE_CONTROLLER', path, `${formatFieldPath(path)}: only a delegated slice has a controller (instantiation: delegated)`, { anchor: 'key', supersede: path });
  }
}

function checkTags(document: ManifestDocument, tags: unknown): void {
  if (!isRecord(tags) || !('delegations' in tags)) return;
  const path = [...SPEC, 'tags', 'delegations'];
  report(document, 'SLICE_TAGS', path, `${formatFieldPath(path)}: converge writes the delegations tag from spec.controller (one nm-controller slice); name the controller there`, {
    anchor: 'key',
    supersede: path,
  });
}

function checkSlivers(document: ManifestDocument, spec: Record<string, unknown>, delegated: boolean): void {
  const path = [...SPEC, 'slivers'];
  if (spec.slivers === undefined) return;
  if (!delegated) {
    report(document, 'SLICE_SLIVERS', path, `${formatFieldPath(path)}: only a delegated slice's slivers are driven by converge; the nodes create the others themselves`, { anchor: 'key', supersede: path });
    return;
  }
  const perNode = valueAt(spec.slivers, ['nodes']);
  if (!isRecord(perNode)) return;
  const nodes = Array.isArray(spec.nodes) ? spec.nodes.filter((n): n is string => typeof n === 'string').map((n) => n.toLowerCase()) : [];
  for (const host of Object.keys(perNode)) {
    if (nodes.includes(host.toLowerCase())) continue;
    const at = [...path, 'nodes', host];
    report(document, 'SLICE_SLIVERS', at, `${formatFieldPath(at)}: node ${JSON.stringify(host)} is not in spec.nodes, so the slice has no sliver there`, { anchor: 'key' });
  }
}

function checkRenewal(document: ManifestDocument, spec: Record<string, unknown>): void {
  const renewal = isRecord(spec.renewal) ? spec.renewal : {};
  if (renewal.enabled === false) return;
  for (const field of ['url', 'description'] as const) {
    const value = spec[field];
    if (typeof value === 'string' && value.trim() !== '') continue;
    const message =
      `spec.${field}: PLC refuses to renew a slice with an empty description or URL (renewal is on by default); ` +
      `give spec.${field}, or set spec.renewal.enabled: false`;
    if (value === undefined) report(document, 'SLICE_RENEWAL', SPEC, message, { anchor: 'key' });
    else report(document, 'SLICE_RENEWAL', [...SPEC, field], message, { supersede: [...SPEC, field] });
  }
  const before = durationMs(renewal.renewBefore, '7d');
  const extend = durationMs(renewal.extendTo, '56d');
  if (before !== undefined && extend !== undefined && before >= extend) {
    const path = [...SPEC, 'renewal', 'renewBefore'];
    report(document, 'SLICE_RENEWAL', path, `${formatFieldPath(path)}: must be shorter than renewal.extendTo, or every renewal would leave the slice due again at once`);
  }
}

function durationMs(value: unknown, fallback: string): number | undefined {
  const parsed = parseDuration(typeof value === 'string' ? value : fallback);
  return parsed.ok ? parsed.value : undefined;
}
