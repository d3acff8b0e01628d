/**
 * The classes the simulator models, and the back-references the store keeps consistent
 * (xenapi.md §7.8): setting a child's ref field adds the child to the parent's set field.
 */
import { host, host_metrics, pool } from './host-pool.js';
import { network, PIF, VIF } from './network.js';
import { PBD, SR, VBD, VDI } from './storage.js';
import { session, task } from './task-session.js';
import type { ClassSpec, FieldSpec } from './types.js';
import { VM, VM_guest_metrics, VM_metrics } from './vm.js';

export const CLASSES: readonly ClassSpec[] = [
  pool,
  host,
  host_metrics,
  VM,
  VM_metrics,
  VM_guest_metrics,
  SR,
  PBD,
  VDI,
  VBD,
  network,
  VIF,
  PIF,
  task,
  session,
];

const byName = new Map(CLASSES.map((c) => [c.name, c]));
const byLowerName = new Map(CLASSES.map((c) => [c.name.toLowerCase(), c]));

export function classSpec(name: string): ClassSpec | undefined {
  return byName.get(name);
}

/** classByLowerName resolves event class names, which xapi matches case-insensitively. */
export function classByLowerName(name: string): ClassSpec | undefined {
  return byLowerName.get(name.toLowerCase());
}

export function fieldSpec(cls: string, field: string): FieldSpec | undefined {
  return byName.get(cls)?.fields.get(field);
}

export interface BackRef {
  child: string;
  field: string;
  parent: string;
  set: string;
}

export const BACKREFS: readonly BackRef[] = [
  { child: 'VBD', field: 'VM', parent: 'VM', set: 'VBDs' },
  { child: 'VBD', field: 'VDI', parent: 'VDI', set: 'VBDs' },
  { child: 'VIF', field: 'VM', parent: 'VM', set: 'VIFs' },
  { child: 'VIF', field: 'network', parent: 'network', set: 'VIFs' },
  { child: 'VDI', field: 'SR', parent: 'SR', set: 'VDIs' },
  { child: 'VDI', field: 'snapshot_of', parent: 'VDI', set: 'snapshots' },
  { child: 'PBD', field: 'SR', parent: 'SR', set: 'PBDs' },
  { child: 'PBD', field: 'host', parent: 'host', set: 'PBDs' },
  { child: 'PIF', field: 'network', parent: 'network', set: 'PIFs' },
  { child: 'PIF', field: 'host', parent: 'host', set: 'PIFs' },
  { child: 'VM', field: 'resident_on', parent: 'host', set: 'resident_VMs' },
  { child: 'VM', field: 'snapshot_of', parent: 'VM', set: 'snapshots' },
  { child: 'task', field: 'subtask_of', parent: 'task', set: 'subtasks' },
];
