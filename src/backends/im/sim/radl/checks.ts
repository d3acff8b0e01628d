/**
 * checkRadl is `RADL.check()` (radl 1.3.5): networks, ansible hosts, systems, deploys, configures
 * and contextualize, in that order, each failing with radl's exact message and line. Only the
 * properties listed in the tables are checked, as in radl.
 */
import { parseDocument, parseAllDocuments } from 'yaml';
import { pyInt, pyListRepr } from '../python.js';
import { flattenFeatures, getValue } from './feature-set.js';
import { getConfigure, getNetwork, getSystem } from './document.js';
import { isOutportsFormat, isStrongPassword, isVersion } from './check-values.js';
import { RadlError, isSoft, type FeatureItem, type FeatureSet, type FeaturedAspect, type RadlDocument } from './types.js';

type ValueType = 'float' | 'str' | 'int' | 'features' | 'soft' | 'url';
type Predicate = (item: FeatureItem, doc: RadlDocument) => boolean;

/** CheckRule is radl's check tuple: expected type, allowed values or predicate, allowed units. */
interface CheckRule {
  type: ValueType;
  values?: string[] | Predicate;
  units?: string[];
}

const TYPE_NAMES: Record<ValueType, string> = {
  float: "<class 'float'>",
  str: "<class 'str'>",
  int: "<class 'int'>",
  features: "<class 'radl.radl.Features'>",
  soft: "<class 'radl.radl.SoftFeatures'>",
  url: "(<class 'str'>, <class 'bytes'>, <class 'list'>)",
};

const MEM_UNITS = ['', 'B', 'K', 'M', 'G', 'T', 'KB', 'MB', 'GB', 'TB', 'KI', 'MI', 'GI', 'TI', 'KIB', 'MIB', 'GIB', 'TIB'];
const positive: Predicate = (f) => !isSoft(f) && f.value.kind === 'number' && f.value.num >= 0;
const str = (f: FeatureItem): string => (!isSoft(f) && f.value.kind === 'string' ? f.value.text : '');

export function checkRadl(doc: RadlDocument): void {
  for (const n of doc.networks) checkSimple(n.set, NETWORK_RULES, doc);
  for (const a of doc.ansibles) checkAnsible(a, doc);
  for (const s of doc.systems) checkSystem(s.set, doc);
  for (const d of doc.deploys) {
    if (!getSystem(doc, d.system)) throw new RadlError('Invalid system id in the deploy.', d.line);
    if (d.count.num < 0) throw new RadlError('Invalid number of virtual machines to deploy.', d.line);
  }
  for (const c of doc.configures) checkConfigure(c.recipes, c.line);
  checkContextualize(doc);
  if (new Set(doc.systems.map((s) => s.id)).size !== doc.systems.length) throw new RadlError('Some System name duplicated.');
  if (new Set(doc.networks.map((n) => n.id)).size !== doc.networks.length) throw new RadlError('Some Network name duplicated.');
}

/** checkConfigure: the recipe must be one valid YAML document. */
export function checkConfigure(recipes: string | null, line: number | null): void {
  if (recipes === null) return;
  const docs = parseAllDocuments(recipes, { uniqueKeys: false });
  if (!Array.isArray(docs)) return;
  if (docs.length > 1) throw new RadlError('Error parsing YAML: expected a single document in the stream', line);
  const error = parseDocument(recipes, { uniqueKeys: false }).errors[0];
  if (error) throw new RadlError(`Error parsing YAML: ${error.message}`, line);
}

function checkContextualize(doc: RadlDocument): void {
  const c = doc.contextualize;
  if (c.maxTime && (c.maxTime.float || c.maxTime.num < 0)) throw new RadlError("Invalid 'max time' in 'contextualize'", c.line);
  for (const item of c.items ?? []) {
    if (!getSystem(doc, item.system)) throw new RadlError(`Invalid system id '${item.system}'`, item.line);
    if (!getConfigure(doc, item.configure)) throw new RadlError(`Invalid configure id '${item.configure}'`, item.line);
  }
}

function checkAnsible(a: FeaturedAspect, doc: RadlDocument): void {
  checkSimple(a.set, ANSIBLE_RULES, doc);
  if (!getValue(a.set, 'host')) throw new RadlError('Ansible host must have a host', a.line);
  if (!getValue(a.set, 'credentials.username')) throw new RadlError('Ansible host must have a credentials.username', a.line);
  if (!getValue(a.set, 'credentials.password') && !getValue(a.set, 'credentials.private_key')) {
    throw new RadlError('Ansible host must have a credentials.password or credentials.private_key', a.line);
  }
}

/** checkSystem is system.check: simple features, indexed features, then every interface connected. */
function checkSystem(set: FeatureSet, doc: RadlDocument): void {
  checkSimple(set, SYSTEM_RULES, doc);
  const connections = new Set<string>();
  const prefixes = checkIndexed(set, doc, connections);
  if (connections.size !== (prefixes.get('net_interface')?.size ?? 0)) {
    throw new RadlError('Some net_interface does not have a connection');
  }
}

function checkSimple(set: FeatureSet, rules: Record<string, CheckRule>, doc: RadlDocument): void {
  for (const f of flattenFeatures(set)) {
    const prop = isSoft(f) ? '__soft__' : f.prop;
    const rule = rules[prop];
    if (rule) checkFeature(f, prop, rule, doc);
  }
}

/** checkIndexed is Features.check_num over net_interface.N.* and disk.N.*; returns the indices. */
function checkIndexed(set: FeatureSet, doc: RadlDocument, connections: Set<string>): Map<string, Set<number>> {
  const prefixes = new Map<string, Set<number>>();
  for (const f of flattenFeatures(set)) {
    if (isSoft(f)) continue;
    const [prefix = '', ...rest] = f.prop.split('.');
    const table = rest.length > 0 ? indexedRules(prefix, doc, connections) : undefined;
    if (!table) continue;
    const num = pyInt(rest[0]);
    if (num === undefined) throw new RadlError('Invalid property name; expected an index.', f.line);
    const rule = rest.length > 1 ? table[rest.slice(1).join('.')] : undefined;
    if (!rule) continue;
    checkFeature(f, f.prop, rule, doc);
    if (!prefixes.has(prefix)) prefixes.set(prefix, new Set());
    prefixes.get(prefix)?.add(num);
  }
  for (const [prefix, nums] of prefixes) {
    if (Math.min(...nums) !== 0 || Math.max(...nums) !== nums.size - 1) {
      throw new RadlError(`Invalid indices values in properties '${prefix}'`);
    }
  }
  return prefixes;
}

function checkFeature(f: FeatureItem, prop: string, rule: CheckRule, doc: RadlDocument): void {
  const line = f.line;
  if (!hasType(f, rule.type)) throw new RadlError(`Invalid type; expected ${TYPE_NAMES[rule.type]}`, line);
  if (!isSoft(f) && f.value.kind === 'string' && !prop.includes('version') && f.op !== '=') {
    throw new RadlError("Invalid operator; expected '='", line);
  }
  if (Array.isArray(rule.values)) {
    if (!rule.values.includes(str(f).toUpperCase())) throw new RadlError(`Invalid value; expected one of ${pyListRepr(rule.values)}`, line);
  } else if (rule.values && !rule.values(f, doc)) {
    throw new RadlError(`Invalid value in property '${prop}'`, line);
  }
  const unit = isSoft(f) ? '' : f.unit;
  if (!rule.units) {
    if (unit) throw new RadlError('Invalid unit; expected none', line);
  } else if (!rule.units.includes(unit.toUpperCase())) {
    throw new RadlError(`Invalid unit; expected one of ${pyListRepr(rule.units)}`, line);
  }
}

function hasType(f: FeatureItem, type: ValueType): boolean {
  if (type === 'soft') return isSoft(f);
  if (isSoft(f)) return type === 'features';
  const kind = f.value.kind;
  if (type === 'float') return kind === 'number';
  if (type === 'int') return kind === 'number' && !f.value.float;
  if (type === 'str') return kind === 'string';
  if (type === 'features') return kind === 'features';
  return kind === 'string' || kind === 'list';
}

const NETWORK_RULES: Record<string, CheckRule> = {
  outbound: { type: 'str', values: ['YES', 'NO'] },
  outports: { type: 'str', values: (f) => isOutportsFormat(str(f)) },
  provider_id: { type: 'str' },
};

const ANSIBLE_RULES: Record<string, CheckRule> = {
  host: { type: 'str' },
  'credentials.username': { type: 'str' },
  'credentials.password': { type: 'str' },
  'credentials.private_key': { type: 'str' },
};

const SYSTEM_RULES: Record<string, CheckRule> = {
  spot: { type: 'str', values: ['YES', 'NO'] },
  image_type: { type: 'str', values: ['VMDK', 'QCOW', 'QCOW2', 'RAW'] },
  virtual_system_type: { type: 'str', values: () => true },
  price: { type: 'float', values: positive },
  'cpu.count': { type: 'float', values: positive },
  'cpu.arch': { type: 'str', values: ['I386', 'X86_64'] },
  'cpu.performance': { type: 'float', values: positive, units: ['ECU', 'GCEU', 'HRZ'] },
  'memory.size': { type: 'int', values: positive, units: MEM_UNITS },
  'disk.0.os.credentials.new.password': { type: 'str', values: (f) => isStrongPassword(str(f)) },
  ansible_host: { type: 'str', values: (f, doc) => doc.ansibles.some((a) => a.id === str(f)) },
  __soft__: {
    type: 'soft',
    values: (f, doc) => {
      if (isSoft(f)) checkSystem(f.set, doc);
      return true;
    },
  },
};

const APP_RULES: Record<string, CheckRule> = {
  name: { type: 'str', values: (f) => str(f) !== '' },
  path: { type: 'str', values: (f) => str(f) !== '' },
  version: { type: 'str', values: (f) => isVersion(str(f)) },
  preinstalled: { type: 'str', values: ['YES', 'NO'] },
};

function indexedRules(prefix: string, doc: RadlDocument, connections: Set<string>): Record<string, CheckRule> | undefined {
  if (prefix === 'net_interface') {
    return {
      connection: {
        type: 'str',
        values: (f) => {
          if (isSoft(f) || !getNetwork(doc, str(f))) return false;
          connections.add(f.prop);
          return true;
        },
      },
      ip: { type: 'str' },
      dns_name: { type: 'str' },
    };
  }
  if (prefix === 'disk') return DISK_RULES;
  return undefined;
}

const DISK_RULES: Record<string, CheckRule> = {
  'image.url': { type: 'url', values: () => true },
  'image.name': { type: 'str' },
  type: { type: 'str' },
  device: { type: 'str' },
  mount_path: { type: 'str' },
  fstype: { type: 'str' },
  size: { type: 'float', values: positive, units: MEM_UNITS },
  free_size: { type: 'float', values: positive, units: MEM_UNITS },
  'os.name': { type: 'str', values: ['LINUX', 'WINDOWS', 'MAC OS X'] },
  'os.flavour': { type: 'str' },
  'os.version': { type: 'str', values: (f) => isVersion(str(f)) },
  'os.credentials.username': { type: 'str' },
  'os.credentials.password': { type: 'str' },
  'os.credentials.private_key': { type: 'str' },
  'os.credentials.public_key': { type: 'str' },
  applications: {
    type: 'features',
    values: (f, doc) => {
      if (!isSoft(f) && f.value.kind === 'features') checkSimple(f.value.set, APP_RULES, doc);
      return true;
    },
  },
};
