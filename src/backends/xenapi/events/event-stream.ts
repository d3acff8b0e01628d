/**
 * The event stream for watch mode (xenapi.md §5): `event.from` on vm, vif, vbd, vdi, network and
 * task with its token, turned into ObserveHints. Changed objects are mapped to converge keys
 * through their marker (VMs, VDIs, networks) or their VM (VIFs, VBDs); references seen before
 * (in the last observation or in earlier events) map deletions. The stream starts with
 * `{all: true}` (read everything once), takes its token from `event.inject` on the pool (as
 * xen-orchestra does, so nothing between the read and the first event.from is lost), and after
 * `EVENTS_LOST` or an unusable token yields `{all: true}` again and starts from a fresh token.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../engine/backoff.js';
import { asConvergeError } from '../../../errors/converge-error.js';
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../../xmlrpc/value.js';
import type { ObserveHint } from '../../driver.js';
import { isXenCode } from '../api/errors.js';
import { own } from '../../../util/own-string.js';
import { MARK, type Inventory } from '../observe/inventory.js';
import type { XenSession } from '../session/session.js';

export const EVENT_CLASSES = ['vm', 'vif', 'vbd', 'vdi', 'network', 'task'];
const POLL_SECONDS = 30;

/** RefIndex remembers which converge key a reference belongs to, and which VM a device is on. */
export class RefIndex {
  readonly keys = new Map<string, string>();
  readonly deviceVm = new Map<string, string>();

  static from(inventory: Inventory | undefined): RefIndex {
    const index = new RefIndex();
    if (!inventory) return index;
    for (const o of [...inventory.ourVms(), ...inventory.ourNetworks(), ...inventory.ourVdis()]) index.keys.set(o.ref, inventory.keyOf(o.otherConfig)!);
    for (const d of [...inventory.tables.vifs.values(), ...inventory.tables.vbds.values()]) index.deviceVm.set(d.ref, d.vm);
    return index;
  }

  /** keyFor maps one event record to a converge key (updating the index), if it concerns one. */
  keyFor(event: XmlRpcStruct, owner: string): string | undefined {
    const cls = String(event.class);
    // Kept strings are owned copies: a slice would keep the whole event.from reply alive.
    const ref = own(String(event.ref));
    const snapshot = isStruct(event.snapshot) ? event.snapshot : undefined;
    if (cls === 'vif' || cls === 'vbd') {
      const vm = snapshot ? own(String(snapshot.VM)) : this.deviceVm.get(ref);
      if (snapshot) this.deviceVm.set(ref, vm!);
      if (event.operation === 'del') this.deviceVm.delete(ref);
      return vm === undefined ? undefined : this.keys.get(vm);
    }
    if (cls !== 'vm' && cls !== 'network' && cls !== 'vdi') return undefined;
    const known = this.keys.get(ref);
    const other = snapshot && isStruct(snapshot.other_config) ? snapshot.other_config : undefined;
    const marked = other && other[MARK.owner] === owner && typeof other[MARK.key] === 'string' ? own(String(other[MARK.key])) : undefined;
    if (marked && event.operation !== 'del') this.keys.set(ref, marked);
    if (event.operation === 'del') this.keys.delete(ref);
    return marked ?? known;
  }
}

export interface EventSource {
  session: XenSession;
  owner(): string | undefined;
  inventory(): Inventory | undefined;
}

export async function* xenEvents(source: EventSource, signal: AbortSignal): AsyncGenerator<ObserveHint> {
  let index = RefIndex.from(source.inventory());
  let token: string | undefined;
  let failures = 0;
  while (!signal.aborted) {
    try {
      if (token === undefined) {
        token = await startToken(source.session, signal);
        index = RefIndex.from(source.inventory());
        yield { all: true };
        continue;
      }
      const batch = await source.session.call('event.from', [EVENT_CLASSES, token, POLL_SECONDS], { channel: 'events', signal, timeoutMs: (POLL_SECONDS + 30) * 1000 });
      failures = 0;
      if (!isStruct(batch) || typeof batch.token !== 'string' || !Array.isArray(batch.events)) throw new Error('event.from: unexpected batch shape');
      token = batch.token;
      const hint = hintFor(batch.events, index, source.owner());
      if (hint) yield hint;
    } catch (thrown) {
      if (signal.aborted) return;
      if (isXenCode(thrown, 'EVENTS_LOST', 'EVENT_FROM_TOKEN_PARSE_FAILURE', 'SESSION_INVALID')) {
        token = undefined;
        continue;
      }
      const error = asConvergeError(thrown);
      if (!error.retryable) throw error;
      failures += 1;
      await sleep(backoffDelay(failures, DEFAULT_BACKOFF), undefined, { signal }).catch(() => undefined);
    }
  }
}

/** startToken is the token just before a touch of the pool (event.inject), so the next event.from returns promptly. */
async function startToken(session: XenSession, signal: AbortSignal): Promise<string> {
  const pools = await session.read('pool.get_all', [], { signal });
  const pool = Array.isArray(pools) ? String(pools[0]) : '';
  return String(await session.read('event.inject', ['pool', pool], { signal }));
}

function hintFor(events: XmlRpcValue[], index: RefIndex, owner: string | undefined): ObserveHint | undefined {
  const keys = new Set<string>();
  let unknownOwner = false;
  for (const event of events) {
    if (!isStruct(event) || event.class === 'task' || event.class === 'pool') continue;
    if (owner === undefined) unknownOwner = true;
    const key = owner === undefined ? undefined : index.keyFor(event, owner);
    if (key) keys.add(key);
  }
  if (unknownOwner) return { all: true };
  return keys.size > 0 ? { keys: [...keys].sort() } : undefined;
}
