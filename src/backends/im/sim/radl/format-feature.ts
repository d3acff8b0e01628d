/**
 * Feature.__str__ and Features.__str__ of radl: `name op 'text'`, `name op 512m` (operator and
 * unit as written), `name op ['a','b']`, `name contains (...)`, `soft 10 ( ... )`, joined by
 * ` and\n`. Strings are printed without re-escaping quotes, as IM does.
 */
import { pyNumber } from '../python.js';
import { isSoft, type Feature, type FeatureItem, type FeatureSet } from './types.js';
import { flattenFeatures } from './feature-set.js';

export function formatFeature(item: FeatureItem): string {
  if (isSoft(item)) return `soft ${pyNumber(item.weight.num, item.weight.float)} ( ${formatFeatureSet(item.set)} )`;
  return formatPlain(item);
}

function formatPlain(feature: Feature): string {
  const value = feature.value;
  switch (value.kind) {
    case 'list':
      return `${feature.prop} ${feature.op} ['${value.items.join("','")}']`;
    case 'features':
      return `${feature.prop} ${feature.op} (${formatFeatureSet(value.set)})`;
    case 'string':
      return `${feature.prop} ${feature.op} '${value.text}'`;
    case 'number':
      return `${feature.prop} ${feature.op} ${pyNumber(value.num, value.float)}${feature.unit}`;
  }
}

export function formatFeatureSet(set: FeatureSet): string {
  return flattenFeatures(set).map(formatFeature).join(' and\n');
}
