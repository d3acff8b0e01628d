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

/**
 * Owner is an InfrastructureManager auth entry that owns an infrastructure, as stored: the
 * password only as a salted digest (credentials.ts), an OIDC identity only as a flag (its
 * username is `__OPENID__<sub>`; the token itself is never kept).
 */
export interface Owner {
  username: string;
  passwordDigest: string | null;
  oidc: boolean;
}

export interface CloudRef {
  id: string;
  type: string;
}

export interface VmRecord {
  /** imId: the VM id; unique unless overlapping changes corrupted the list (changes.ts). */
  imId: number;
  /** cloudId is the Dummy connector's id: the launch time in centiseconds, as a string. */
  cloudId: string;
  cloud: CloudRef;
  /**
   * listedAt: from here on the VM is in the infrastructure's list (`pending` until launched);
   * absent in files written before creates took time, where it equals launchedAt.
   */
  listedAt?: number;
  /** launchedAt: GetVMInfo and the other VM calls answer `Invalid VM ID` before this instant. */
  launchedAt: number;
  /** destroyed: a RemoveResource took the VM; it reads `deleting` until removedAt (absent = at once). */
  destroyed: boolean;
  removedAt?: number;
  /**
   * ghost: removed while another change was running, whose save listed it again: it stays in
   * GetInfrastructureInfo and vm_states with its last state while VM calls answer `Deleted VM.`.
   */
  ghost?: boolean;
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
  /** changes: the creates, additions and removals that may still be running (changes.ts). */
  changes?: RunningChange[];
}

/** ChangeMethod names the calls that take time in proportion to their VMs. */
export type ChangeMethod = 'CreateInfrastructure' | 'AddResource' | 'RemoveResource';

/** RunningChange is one such call, from its arrival to the instant it finished. */
export interface RunningChange {
  method: ChangeMethod;
  startedAt: number;
  doneAt: number;
  /** vmCountAtStart: the length of the VM list the change started from (its view of the ids). */
  vmCountAtStart: number;
  /** removing: the ids a RemoveResource takes out. */
  removing: number[];
}

export interface SimState {
  version: 1;
  saveCounter: number;
  /** credentialSalt salts the owners' password digests (absent in files from before digests). */
  credentialSalt?: string;
  infrastructures: InfraRecord[];
}

export function emptyState(): SimState {
  return { version: 1, saveCounter: 0, infrastructures: [] };
}
