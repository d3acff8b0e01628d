/**
 * The RADL document model (radl 1.3.5), as plain JSON data so that a parsed document can be
 * stored in the simulator's state file as it is. Feature sets keep IM's `props` layout: one entry
 * per property name, in first-seen order, because that order is what IM prints back.
 */

export type Operator = '=' | '<' | '>' | '<=' | '>=' | 'contains';

export interface NumberValue {
  kind: 'number';
  num: number;
  /** float records whether the source had a decimal point (Python float vs int). */
  float: boolean;
}

export type FeatureValue =
  | { kind: 'string'; text: string }
  | NumberValue
  | { kind: 'list'; items: string[] }
  | { kind: 'features'; set: FeatureSet };

export interface Feature {
  prop: string;
  op: Operator;
  value: FeatureValue;
  unit: string;
  line: number | null;
}

/** SoftFeatures is `soft <weight> ( features )`: optional preferences. */
export interface SoftFeatures {
  soft: true;
  weight: NumberValue;
  set: FeatureSet;
  line: number | null;
}

export type FeatureItem = Feature | SoftFeatures;

export const SOFT_PROP = '__soft__';

/** AppEntry is one `contains` application, keyed by its `name` value (null when it has none). */
export interface AppEntry {
  name: string | null;
  feature: Feature;
}

/**
 * PropEntry mirrors one value of IM's `Features.props`: a plain feature, a numeric interval
 * (`lo`/`hi` may be the same feature, as after `setValue`), the applications of a `contains`,
 * or the list of soft groups.
 */
export type PropEntry =
  | { kind: 'simple'; prop: string; feature: Feature }
  | { kind: 'interval'; prop: string; lo: Feature | null; hi: Feature | null }
  | { kind: 'apps'; prop: string; apps: AppEntry[] }
  | { kind: 'soft'; prop: string; items: SoftFeatures[] };

export interface FeatureSet {
  entries: PropEntry[];
}

export interface FeaturedAspect {
  id: string;
  reference: boolean;
  set: FeatureSet;
  line: number | null;
}

export interface ConfigureAspect {
  id: string;
  reference: boolean;
  /** recipes is the raw text between @begin and @end; null for `configure x ()`. */
  recipes: string | null;
  line: number | null;
}

export interface ContextualizeItem {
  system: string;
  configure: string;
  step: NumberValue | null;
  tool: string | null;
  line: number | null;
}

/** ContextualizeAspect: `items === null` means "not given"; `[]` means `contextualize ()`. */
export interface ContextualizeAspect {
  maxTime: NumberValue | null;
  items: ContextualizeItem[] | null;
  options: Feature[] | null;
  line: number | null;
}

export interface DeployAspect {
  system: string;
  count: NumberValue;
  cloudId: string | null;
  line: number | null;
}

export interface RadlDocument {
  description: FeaturedAspect | null;
  ansibles: FeaturedAspect[];
  networks: FeaturedAspect[];
  systems: FeaturedAspect[];
  configures: ConfigureAspect[];
  contextualize: ContextualizeAspect;
  deploys: DeployAspect[];
}

export function emptyDocument(): RadlDocument {
  return {
    description: null,
    ansibles: [],
    networks: [],
    systems: [],
    configures: [],
    contextualize: { maxTime: null, items: null, options: null, line: null },
    deploys: [],
  };
}

/** RadlError is RADLParseException: the message carries `Line N: ` when the line is known. */
export class RadlError extends Error {
  readonly line: number | null;

  constructor(message: string, line: number | null = null) {
    super(line ? `Line ${line}: ${message}` : message);
    this.name = 'RadlError';
    this.line = line;
  }
}

export function isSoft(item: FeatureItem): item is SoftFeatures {
  return 'soft' in item;
}

export function cloneDocument<T>(value: T): T {
  return structuredClone(value);
}
