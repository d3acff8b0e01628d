/**
 * Options of the fedd simulator and the defaults of a testbed's policy.
 */
import type { SimClock } from '../../../xmlrpc/sim/clock.js';
import type { SimKnobs } from '../../../xmlrpc/sim/knobs.js';
import type { TestbedPolicy } from './model/types.js';

/** FeddTestbedOptions configures one access controller. */
export interface FeddTestbedOptions {
  name: string;
  policy?: Partial<TestbedPolicy>;
  /** authorize lists extra fedids (hex or `fedid:hex`) allowed to RequestAccess here. */
  authorize?: string[];
}

/** FeddSimulatorOptions configures the whole simulator (one process, several testbeds). */
export interface FeddSimulatorOptions {
  /** testbeds to serve, by name or with options (default: one named `deter`). */
  testbeds?: Array<string | FeddTestbedOptions>;
  /** clock shared by all testbeds (default: the knobs' clock, else a new SimClock). */
  clock?: SimClock;
  /**
   * knobs is a template: each testbed gets its own SimKnobs (latency, fault rules, call log) made
   * from it, all on the shared clock, so faults can be aimed at one testbed.
   */
  knobs?: SimKnobs;
  /** persistPath keeps the state in this JSON file (keys are kept in pkiDir, never in it). */
  persistPath?: string;
  /** pkiDir keeps certificates and keys (default `<persistPath>.pki`, else memory only). */
  pkiDir?: string;
  /** policy applies to every testbed, under each testbed's own `policy`. */
  policy?: Partial<TestbedPolicy>;
  /** authorize lists fedids allowed to RequestAccess on every testbed, besides converge's client certificate. */
  authorize?: string[];
  /** host to listen on and to name in server certificates (default 127.0.0.1). */
  host?: string;
  /** port of the first testbed; the others follow (default 0: any free port each). */
  port?: number;
}

/** TESTBED_NAME is what a testbed name may look like (it becomes part of DNS names and file names). */
export const TESTBED_NAME = /^[a-z][a-z0-9-]{0,30}$/;

/** defaultPolicy is a testbed's policy unless told otherwise. */
export function defaultPolicy(name: string): TestbedPolicy {
  return {
    domain: `${name}.fedd.sim`,
    projects: ['converge'],
    nodeQuota: 20,
    allowedImages: ['Ubuntu1404-64-STD', 'Ubuntu1604-64-STD', 'Ubuntu1804-64-STD', 'CentOS7-64-STD', 'FBSD10-STD'],
    allowedNodeTypes: ['pc', 'pc2133', 'bpc2133', 'pc3000', 'MicroCloud'],
    startMs: 200,
    inputTimeoutMs: 120_000,
  };
}

/** testbedOptions normalises the `testbeds` option. */
export function testbedOptions(options: FeddSimulatorOptions): FeddTestbedOptions[] {
  const list = (options.testbeds ?? ['deter']).map((t) => (typeof t === 'string' ? { name: t } : t));
  const seen = new Set<string>();
  for (const t of list) {
    if (!TESTBED_NAME.test(t.name)) throw new Error(`testbed name ${JSON.stringify(t.name)} must be lowercase letters, digits and dashes, starting with a letter`);
    if (seen.has(t.name)) throw new Error(`testbed ${t.name} is listed twice`);
    seen.add(t.name);
  }
  if (list.length === 0) throw new Error('the fedd simulator needs at least one testbed');
  return list;
}
