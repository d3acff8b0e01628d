/**
 * Units of RADL numbers (radl 1.3.5): K=1e3, Ki=1024, M=1e6, Mi=2^20, G=1e9, Gi=2^30, T=1e12,
 * Ti=2^40; case is ignored and a trailing `B` is dropped, so `512m`, `512MB` and `512 M` are all
 * 512,000,000 bytes. Unknown units count as 1.
 */
import { roundHalfEven } from '../python.js';
import type { Feature, FeatureValue } from './types.js';

const FACTORS: Record<string, number> = {
  K: 1e3,
  KI: 1024,
  M: 1e6,
  MI: 2 ** 20,
  G: 1e9,
  GI: 2 ** 30,
  T: 1e12,
  TI: 2 ** 40,
};

export function unitFactor(unit: string | null | undefined): number {
  if (!unit) return 1;
  let upper = unit.toUpperCase();
  if (upper.endsWith('B')) upper = upper.slice(0, -1);
  return FACTORS[upper] ?? 1;
}

/** ScalarValue is what Feature.getValue returns for a simple feature. */
export type ScalarValue = string | number | string[];

/**
 * featureValue is Feature.getValue(unit): numbers with a unit (or a target unit) are converted,
 * rounded to an int when the written value was an int. `isFloat` tells the caller how Python
 * would type the result.
 */
export function featureValue(feature: Feature, targetUnit?: string): { value: ScalarValue | null; isFloat: boolean } {
  return scalarOf(feature.value, feature.unit, targetUnit);
}

function scalarOf(value: FeatureValue, unit: string, targetUnit?: string): { value: ScalarValue | null; isFloat: boolean } {
  switch (value.kind) {
    case 'string':
      return { value: value.text, isFloat: false };
    case 'list':
      return { value: value.items, isFloat: false };
    case 'features':
      return { value: null, isFloat: false };
    case 'number': {
      if (!targetUnit && !unit) return { value: value.num, isFloat: value.float };
      const converted = (value.num * unitFactor(unit)) / unitFactor(targetUnit);
      return value.float ? { value: converted, isFloat: true } : { value: roundHalfEven(converted), isFloat: false };
    }
  }
}

/** baseNumber is the value of a numeric feature in base units (bytes), for interval maths. */
export function baseNumber(feature: Feature): number {
  return feature.value.kind === 'number' ? feature.value.num * unitFactor(feature.unit) : Number.NaN;
}
