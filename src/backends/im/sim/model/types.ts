/**
 * The simulator's whole state, as plain JSON so it can be persisted as is. Time-dependent facts
 * (contextualization outcomes, async launches, async destroys) are stored as instants on the
 * virtual clock and evaluated when read, so the simulator needs no timers.
 */
import type { RadlDocument } from '../radl/types.js';

export type VmState =
  | 'pending'
  | 'running'
  | 'configured'
  | 'unconfigured'
  | 'stopped'
  | 'off'
  | 'failed'
  | 'unknown'
  | 'deleting';

export const VM_STATES: readonly VmState[] = [
  'pending', 'running', 'configured', 'unconfigured', 'stopped', 'off', 'failed', 'unknown', 'deleting',
];

/** CloudState is what the cloud reports for a VM, before IM refines it with contextualization. */
export type CloudState = 'pending' | 'running' | 'stopped' | 'off' | 'unknown' | 'deleting';

/** Timeline: the value of the last step whose `at` (virtual ms) has passed. */
export type Timeline<T> = Array<{ at: number; value: T }>;

/** Owner is an InfrastructureManager auth entry that owns an infrastructure. */
export interface Owner {
  username: string;
  password: string | null;
  token: string | null;
}

export interface CloudRef {
  id: string;
  type: string;
}

export interface VmRecord {
  imId: number;
  /** cloudId is the Dummy connector's id: the launch time in centiseconds, as a string. */
  cloudId: string;
  cloud: CloudRef;
  /** launchedAt: the VM does not exist for reads before this instant (async create). */
  launchedAt: number;
  destroyed: boolean;
  cloudState: CloudState;
  /** failed is a forced failure (converge.sim.im.setVmState); it sticks until removal. */
  failed: boolean;
  /** info is the VM's RADL: the launch document with only its system, plus Dummy's features. */
  info: RadlDocument;
  /** configured: null while contextualization is pending, then its outcome. */
  configured: Timeline<boolean | null>;
  contMsg: string;
}

export interface InfraRecord {
  id: string;
  owners: Owner[];
  createdAt: number;
  /** savedSeq orders GetInfrastructureList: the last save first. */
  savedSeq: number;
  /** destroyedAt: gone from this instant on (null while alive). */
  destroyedAt: number | null;
  /** deletingFrom: an async destroy shows `deleting` from here until destroyedAt. */
  deletingFrom: number | null;
  radl: RadlDocument;
  privateNetworks: Record<string, string>;
  vms: VmRecord[];
  /** configured is the infrastructure-level contextualization flag. */
  configured: Timeline<boolean | null>;
  /** contMsg: pieces of the infrastructure's cont msg, each shown once its instant has passed. */
  contMsg: Timeline<string>;
}

export interface SimState {
  version: 1;
  saveCounter: number;
  infrastructures: InfraRecord[];
}

export function emptyState(): SimState {
  return { version: 1, saveCounter: 0, infrastructures: [] };
}
