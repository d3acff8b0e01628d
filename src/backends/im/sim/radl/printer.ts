/**
 * printRadl is `str(RADL)` in IM's layout: the description first, then ansible hosts, networks
 * (one line each), systems (`system x (`, one feature per line, `)` and a blank line), configure
 * blocks, the contextualize sentence and the deploy lines, joined by newlines.
 */
import { pyNumber } from '../python.js';
import { formatFeature, formatFeatureSet } from './format-feature.js';
import type {
  ConfigureAspect,
  ContextualizeAspect,
  DeployAspect,
  FeaturedAspect,
  RadlDocument,
} from './types.js';

export function printRadl(doc: RadlDocument): string {
  const parts: string[] = [];
  if (doc.description) parts.push(printDescription(doc.description));
  parts.push(...doc.ansibles.map(printAnsible));
  parts.push(...doc.networks.map(printNetwork));
  parts.push(...doc.systems.map(printSystem));
  parts.push(...doc.configures.map(printConfigure));
  parts.push(printContextualize(doc.contextualize));
  parts.push(...doc.deploys.map(printDeploy));
  return parts.join('\n');
}

function printDescription(d: FeaturedAspect): string {
  return d.reference ? `description ${d.id} ` : `description ${d.id} (\n${formatFeatureSet(d.set)}\n)`;
}

function printAnsible(a: FeaturedAspect): string {
  return `ansible ${a.id} (${formatFeatureSet(a.set)})`;
}

export function printNetwork(n: FeaturedAspect): string {
  return `network ${n.id} ${n.reference ? '' : `( ${formatFeatureSet(n.set)} )`}`;
}

export function printSystem(s: FeaturedAspect): string {
  return `system ${s.id} ${s.reference ? '' : `(\n${formatFeatureSet(s.set)}\n)\n`}`;
}

function printConfigure(c: ConfigureAspect): string {
  if (c.reference) return `configure ${c.id}`;
  if (c.recipes === null) return `configure ${c.id} ()`;
  return `configure ${c.id} (\n@begin\n${c.recipes}\n@end\n)`;
}

/** printContextualize: '' when absent, `contextualize ()` when empty, else the block form. */
export function printContextualize(c: ContextualizeAspect): string {
  if (c.items === null && c.options === null) return '';
  if (!c.items?.length && !c.options?.length) return 'contextualize ()';
  const options = c.options?.length ? `${c.options.map((o) => `option ${formatFeature(o)}`).join('\n')}\n` : '';
  const items = (c.items ?? [])
    .map((i) => {
      const step = i.step && i.step.num ? `step ${pyNumber(i.step.num, i.step.float)}` : '';
      return `system ${i.system} configure ${i.configure} ${step} ${i.tool ? `with ${i.tool}` : ''}`;
    })
    .join('\n');
  const maxTime = c.maxTime && c.maxTime.num ? pyNumber(c.maxTime.num, c.maxTime.float) : '';
  return `contextualize ${maxTime} (\n${options}${items}\n)`;
}

export function printDeploy(d: DeployAspect): string {
  return `deploy ${d.system} ${pyNumber(d.count.num, d.count.float)}${d.cloudId ? ` ${d.cloudId}` : ''}`;
}
