/**
 * SimContext is what every method implementation works on: the store, the virtual time, the
 * mutable settings (the knobs the control methods change), sessions, tasks and event
 * registrations.
 */
import type { ObjectStore } from '../store/object-store.js';
import type { DomidCounter } from '../vm/domids.js';
import type { HostMemory } from '../vm/host-memory.js';

export interface SimSettings {
  /** hostIsSlaveOf: when not '', login answers `HOST_IS_SLAVE [hostIsSlaveOf]`. */
  hostIsSlaveOf: string;
  /** guestAgent: started VMs report guest metrics (PV drivers, features, IPs) unless overridden per VM. */
  guestAgent: boolean;
  /**
   * guestStaticIp: running agents advertise `feature-static-ip-setting` (what VIF.configure_ipv4/6
   * need), as the Windows management agent does, unless overridden per VM. Off by default: the
   * simulated guest is Linux, and xe-guest-utilities does not advertise it.
   */
  guestStaticIp: boolean;
  /** dmcEnabled: false makes set_memory_* require dynamic_min = dynamic_max = static_max (MAXPIN). */
  dmcEnabled: boolean;
  /** taskDurationMs: virtual time an Async task takes, unless `taskDurationsMs[method]` says otherwise. */
  taskDurationMs: number;
  taskDurationsMs: Record<string, number>;
}

/** Services the context exposes to methods; implemented by the simulator's parts. */
export interface SessionService {
  requireValid(ref: string): void;
  isValid(ref: string): boolean;
}

export interface TaskService {
  cancel(taskRef: string): void;
  destroy(taskRef: string): void;
  createManual(label: string, description: string, session: string): string;
}

export interface SimContext {
  readonly store: ObjectStore;
  readonly settings: SimSettings;
  /** agentOverrides: per-VM guest agent switch (VM ref → on/off). */
  readonly agentOverrides: Map<string, boolean>;
  /** staticIpOverrides: per-VM switch of the agent's static IP setting feature (VM ref → on/off). */
  readonly staticIpOverrides: Map<string, boolean>;
  /** hostMemory: what resident domains hold per host, kept by refreshDerived (vm/host-memory.ts). */
  readonly hostMemory: HostMemory;
  readonly domids: DomidCounter;
  sessions: SessionService;
  tasks: TaskService;
  now(): number;
  poolRef(): string;
  hostRef(): string;
}
