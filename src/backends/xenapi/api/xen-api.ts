/**
 * XenApi is the typed edge of XenAPI that the driver uses: batched reads parsed into records,
 * `Async.*` calls run to completion through tasks (destroyed after reading), and plain calls.
 * Reads are retried on TRANSIENT failures; other calls are made once (the caller journals them
 * and decides what a repeat would mean).
 */
import { isStruct, type XmlRpcValue } from '../../../xmlrpc/value.js';
import { badReply, XenFailure } from './errors.js';
import {
  parseGuestNetworks, parseNetwork, parseSr, parseTask, parseVbd, parseVdi, parseVif, parseVm, recordMap, taskResult,
  type XenNetwork, type XenSr, type XenTask, type XenVbd, type XenVdi, type XenVif, type XenVm,
} from './records.js';
import type { XenSession } from '../session/session.js';
import { TaskWatcher } from './task-watcher.js';
import { NameReads, nameExpression } from './name-reads.js';
import { BackgroundLane } from './background-lane.js';

/**
 * DESTROY_HEADROOM: sockets of the calls channel a task.destroy leaves to the calls of VMs in
 * progress (a destroy waits while fewer are free); see background-lane.ts.
 */
const DESTROY_HEADROOM = 2;

/** SHARED_READ: reads that serve many callers are not cut off by one caller's signal (each waiter watches its own). */
const SHARED_READ = new AbortController().signal;

/** GUEST_VMS selects every VM but dom0 and snapshots: the where-filter compares whole stored values, so map keys cannot be matched. */
export const GUEST_VMS = 'field "is_control_domain" = "false" and field "is_a_snapshot" = "false"';

export interface AsyncOptions {
  signal: AbortSignal;
  timeoutMs?: number;
  onProgress?: (progress: number) => void;
}

export class XenApi {
  readonly session: XenSession;
  readonly #tasks: TaskWatcher;
  readonly #destroying = new Set<Promise<void>>();
  readonly #background: BackgroundLane;
  readonly #names = new NameReads(async (names) =>
    [...(await this.vms(nameExpression(names), SHARED_READ)).values()].map((vm): [string, string] => [vm.nameLabel, vm.uuid]),
  );

  constructor(session: XenSession) {
    this.session = session;
    this.#tasks = new TaskWatcher(session);
    this.#background = new BackgroundLane(session, { headroom: DESTROY_HEADROOM, maxWaiting: session.connections });
    session.onCallEnded = () => this.#background.pump();
  }

  /** vmUuidsNamed: the uuids of the VMs named `name`, from a read sent after this call (shared with other names asked meanwhile: name-reads.ts). */
  vmUuidsNamed(name: string, signal: AbortSignal): Promise<string[]> {
    return this.#names.uuidsNamed(name, signal);
  }

  async vms(where: string, signal: AbortSignal): Promise<Map<string, XenVm>> {
    return recordMap('VM.get_all_records_where', await this.session.read('VM.get_all_records_where', [where], { signal }), parseVm);
  }

  async vbds(signal: AbortSignal): Promise<Map<string, XenVbd>> {
    return recordMap('VBD.get_all_records', await this.session.read('VBD.get_all_records', [], { signal }), parseVbd);
  }

  async vdis(signal: AbortSignal): Promise<Map<string, XenVdi>> {
    return recordMap('VDI.get_all_records', await this.session.read('VDI.get_all_records', [], { signal }), parseVdi);
  }

  async vifs(signal: AbortSignal): Promise<Map<string, XenVif>> {
    return recordMap('VIF.get_all_records', await this.session.read('VIF.get_all_records', [], { signal }), parseVif);
  }

  async networks(signal: AbortSignal): Promise<Map<string, XenNetwork>> {
    return recordMap('network.get_all_records', await this.session.read('network.get_all_records', [], { signal }), parseNetwork);
  }

  /** guestNetworks reads every VM_guest_metrics record's `networks` map, by guest-metrics ref. */
  async guestNetworks(signal: AbortSignal): Promise<Map<string, Record<string, string>>> {
    return recordMap('VM_guest_metrics.get_all_records', await this.session.read('VM_guest_metrics.get_all_records', [], { signal }), parseGuestNetworks);
  }

  async srs(signal: AbortSignal): Promise<Map<string, XenSr>> {
    return recordMap('SR.get_all_records', await this.session.read('SR.get_all_records', [], { signal }), parseSr);
  }

  async pendingTasks(signal: AbortSignal): Promise<Map<string, XenTask>> {
    const value = await this.session.read('task.get_all_records_where', ['field "status" = "pending"'], { signal });
    return recordMap('task.get_all_records_where', value, parseTask);
  }

  async defaultSr(signal: AbortSignal): Promise<string> {
    const pools = await this.session.read('pool.get_all_records', [], { signal });
    const pool = recordMap('pool.get_all_records', pools, (_ref, r) => String(r.default_SR ?? '')).values().next().value;
    if (pool === undefined) throw badReply('pool.get_all_records', 'no pool');
    return pool;
  }

  async vm(ref: string, signal: AbortSignal): Promise<XenVm> {
    return parseVmRecord('VM.get_record', ref, await this.session.read('VM.get_record', [ref], { signal }));
  }

  async vif(ref: string, signal: AbortSignal): Promise<XenVif> {
    const parsed = recordMap('VIF.get_record', { [ref]: await this.session.read('VIF.get_record', [ref], { signal }) }, parseVif).get(ref);
    if (!parsed) throw badReply('VIF.get_record', 'no record');
    return parsed;
  }

  async vmOtherConfig(ref: string, signal: AbortSignal): Promise<Record<string, string>> {
    const value = await this.session.read('VM.get_other_config', [ref], { signal });
    if (!isStruct(value)) throw badReply('VM.get_other_config', 'expected a map');
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
  }

  async networkVifs(ref: string, signal: AbortSignal): Promise<string[]> {
    const value = await this.session.read('network.get_VIFs', [ref], { signal });
    return Array.isArray(value) ? value.map(String) : [];
  }

  /** call makes one call, not retried: for mutating calls whose repetition needs a decision. */
  call(method: string, params: XmlRpcValue[], signal: AbortSignal): Promise<XmlRpcValue> {
    return this.session.call(method, params, { signal });
  }

  /** repeatable makes a call that is safe to repeat (setters, destroys), retrying TRANSIENT failures. */
  repeatable(method: string, params: XmlRpcValue[], signal: AbortSignal): Promise<XmlRpcValue> {
    return this.session.read(method, params, { signal });
  }

  /** runAsync calls `Async.<method>`, waits for its task, returns its result (a ref or "") and destroys the task in the background. */
  async runAsync(method: string, params: XmlRpcValue[], options: AsyncOptions): Promise<string> {
    const task = await this.session.call(`Async.${method}`, params, { signal: options.signal });
    if (typeof task !== 'string' || !task.startsWith('OpaqueRef:')) throw badReply(`Async.${method}`, 'expected a task reference');
    let record: XenTask;
    try {
      record = await this.#tasks.wait(task, options);
    } catch (error) {
      await this.session.call('task.cancel', [task]).catch(() => undefined);
      throw error;
    } finally {
      this.#destroyLater(task);
    }
    if (record.status === 'success') return taskResult(record.result);
    const info = record.errorInfo.length > 0 ? record.errorInfo : [record.status === 'cancelled' ? 'TASK_CANCELLED' : 'INTERNAL_ERROR', task];
    throw new XenFailure(method, info);
  }

  /**
   * drain waits (at most `limitMs`) for the task.destroy calls still in flight, so a closing
   * driver leaves no task of its own behind; xapi collects any left anyway (65 min, or above 200).
   */
  async drain(limitMs = 5_000): Promise<void> {
    this.#background.flush();
    if (this.#destroying.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)));
    await Promise.race([Promise.all(this.#destroying), limit]);
    clearTimeout(timer);
  }

  close(): void {
    this.#tasks.close();
  }

  /**
   * #destroyLater destroys a task we have read (xapi asks clients to, as xen-orchestra and Ansible
   * do) without holding the caller up: the outcome is already in hand, and nothing reads a task
   * after that, so its destroy is off every VM's critical path (three sync round trips per create).
   * It goes through the background lane: sent when a socket is to spare, so it never makes a
   * VM's next call wait for a socket.
   */
  #destroyLater(task: string): void {
    const destroy = this.#background.run(() => this.session.call('task.destroy', [task])).then(
      () => undefined,
      () => undefined,
    );
    this.#destroying.add(destroy);
    void destroy.finally(() => this.#destroying.delete(destroy));
  }
}

function parseVmRecord(method: string, ref: string, value: XmlRpcValue): XenVm {
  const parsed = recordMap(method, { [ref]: value }, parseVm).get(ref);
  if (!parsed) throw badReply(method, 'no record');
  return parsed;
}
