/**
 * How IM merges a request's RADL with the infrastructure's stored one
 * (InfrastructureInfo.complete_radl / update_radl):
 * - completeRadl replaces bare references (`system node`) in the request by the stored
 *   definitions, which then carry their original line numbers;
 * - updateRadl adds new systems, networks and ansible hosts (redefinitions are ignored),
 *   replaces configures, merges contextualize, and replaces the deploys by the request's.
 */
import { addAspect, updateContextualize } from './document.js';
import { cloneDocument, RadlError, type RadlDocument } from './types.js';

const CLASS_NAMES = {
  network: "<class 'radl.radl.network'>",
  system: "<class 'radl.radl.system'>",
  configure: "<class 'radl.radl.configure'>",
} as const;

/** completeRadl resolves references in `doc` (mutated) against `stored`. */
export function completeRadl(doc: RadlDocument, stored: RadlDocument): void {
  const refs = [
    ...doc.networks.filter((n) => n.reference).map((n) => ({ kind: 'network' as const, id: n.id })),
    ...doc.systems.filter((s) => s.reference).map((s) => ({ kind: 'system' as const, id: s.id })),
    ...doc.configures.filter((c) => c.reference).map((c) => ({ kind: 'configure' as const, id: c.id })),
  ];
  for (const ref of refs) {
    if (ref.kind === 'configure') {
      const found = stored.configures.find((c) => c.id === ref.id);
      if (!found) throw unknownReference(ref.kind, ref.id);
      addAspect(doc, { kind: 'configure', aspect: cloneDocument(found) }, 'replace');
      continue;
    }
    const list = ref.kind === 'network' ? stored.networks : stored.systems;
    const found = list.find((a) => a.id === ref.id);
    if (!found) throw unknownReference(ref.kind, ref.id);
    addAspect(doc, { kind: ref.kind, aspect: cloneDocument(found) }, 'replace');
  }
}

function unknownReference(kind: keyof typeof CLASS_NAMES, id: string): RadlError {
  return new RadlError(`Unknown reference in RADL to ${CLASS_NAMES[kind]} '${id}'`);
}

/** updateRadl folds a (completed, checked) request into the stored document (mutated). */
export function updateRadl(stored: RadlDocument, doc: RadlDocument): void {
  const copy = cloneDocument(doc);
  for (const s of copy.systems) addAspect(stored, { kind: 'system', aspect: s }, 'ignore');
  for (const n of copy.networks) addAspect(stored, { kind: 'network', aspect: n }, 'ignore');
  for (const a of copy.ansibles) addAspect(stored, { kind: 'ansible', aspect: a }, 'ignore');
  for (const c of copy.configures) addAspect(stored, { kind: 'configure', aspect: c }, 'replace');
  updateContextualize(stored.contextualize, copy.contextualize);
  if (copy.deploys.length > 0) stored.deploys = copy.deploys;
  if (copy.description) stored.description = copy.description;
}
