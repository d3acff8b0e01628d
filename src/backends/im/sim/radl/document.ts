/**
 * Document-level operations of radl's `RADL` class: adding sentences (a repeated network,
 * system, ansible or configure id is an error; deploys never clash; contextualize sentences
 * merge), lookups by id, and the contextualize `update` rule.
 */
import {
  RadlError,
  type ConfigureAspect,
  type ContextualizeAspect,
  type DeployAspect,
  type FeaturedAspect,
  type RadlDocument,
} from './types.js';

export type Sentence =
  | { kind: 'network' | 'system' | 'ansible'; aspect: FeaturedAspect }
  | { kind: 'configure'; aspect: ConfigureAspect }
  | { kind: 'contextualize'; aspect: ContextualizeAspect }
  | { kind: 'deploy'; aspect: DeployAspect };

export type IfPresent = 'error' | 'replace' | 'ignore';

/** addAspect is RADL.add: returns false when `ignore` kept an existing aspect. */
export function addAspect(doc: RadlDocument, sentence: Sentence, ifPresent: IfPresent = 'error'): boolean {
  switch (sentence.kind) {
    case 'contextualize':
      updateContextualize(doc.contextualize, sentence.aspect);
      return true;
    case 'deploy':
      doc.deploys.push(sentence.aspect);
      return true;
    case 'configure':
      return addById(doc.configures, sentence.aspect, ifPresent);
    case 'network':
      return addById(doc.networks, sentence.aspect, ifPresent);
    case 'system':
      return addById(doc.systems, sentence.aspect, ifPresent);
    case 'ansible':
      return addById(doc.ansibles, sentence.aspect, ifPresent);
  }
}

function addById<T extends { id: string }>(list: T[], aspect: T, ifPresent: IfPresent): boolean {
  const index = list.findIndex((a) => a.id === aspect.id);
  if (index < 0) {
    list.push(aspect);
    return true;
  }
  if (ifPresent === 'error') throw new RadlError('Aspect with the same id was found.');
  if (ifPresent === 'ignore') return false;
  list.splice(index, 1);
  list.push(aspect);
  return true;
}

/** updateContextualize is contextualize.update: max of max_time, dict-merge of items and options. */
export function updateContextualize(target: ContextualizeAspect, source: ContextualizeAspect): void {
  if ((source.maxTime?.num ?? 0) > (target.maxTime?.num ?? 0)) target.maxTime = source.maxTime;
  if (source.items !== null) {
    target.items = target.items === null ? source.items : dedupe([...target.items, ...source.items], (i) => `${i.system}\u0000${i.configure}`);
  }
  if (source.options !== null) {
    target.options = target.options === null ? source.options : dedupe([...target.options, ...source.options], (o) => o.prop);
  }
}

export function getSystem(doc: RadlDocument, name: string): FeaturedAspect | undefined {
  return doc.systems.find((s) => s.id === name);
}

export function getNetwork(doc: RadlDocument, id: string): FeaturedAspect | undefined {
  return doc.networks.find((n) => n.id === id);
}

export function getConfigure(doc: RadlDocument, id: string): ConfigureAspect | undefined {
  return doc.configures.find((c) => c.id === id);
}

/** dedupe builds a Python dict from a list: a repeated key keeps its place, takes the last value. */
export function dedupe<T>(items: T[], key: (item: T) => string): T[] {
  const order: string[] = [];
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (!byKey.has(k)) order.push(k);
    byKey.set(k, item);
  }
  return order.map((k) => byKey.get(k) as T);
}
