/**
 * Actor is what one action (create, update, delete, recover) works with, and the three ways it
 * makes a mutating call, each journaled through `mutate` (the write-ahead rule of DESIGN §5):
 * - `once`: a call whose repetition would do it twice (VM.clone, VDI/VBD/VIF/network.create);
 *   a TRANSIENT failure leaves its outcome unknown and the next pass observes first;
 * - `repeat`: a call that is safe to repeat (setters, plug/unplug, destroy); a transport failure
 *   is retried in place, each attempt journaled, and the `tolerate` codes that mean "already
 *   done" (DEVICE_ALREADY_ATTACHED, HANDLE_INVALID on a destroy, …) count as success. A call
 *   that timed out is not: the server may still be acting on it (a late reply), so repeating
 *   it would race it, and the key is in motion until a later look accounts for it (DESIGN §5);
 * - `task`: an `Async.*` call run to completion through its task, reported as progress.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../engine/backoff.js';
import { asConvergeError, type ConvergeError } from '../../../errors/converge-error.js';
import type { XmlRpcValue } from '../../../xmlrpc/value.js';
import type { ApplyContext } from '../../driver.js';
import type { XenApi } from '../api/xen-api.js';
import { isXenCode } from '../api/errors.js';
import type { XenLookup } from '../observe/lookup.js';

export interface Actor {
  api: XenApi;
  lookup: XenLookup;
  /** key is the object acted on (for messages). */
  key: string;
  owner: string;
  signal: AbortSignal;
  mutate: ApplyContext['mutate'];
  progress(message: string): void;
}

export function once(actor: Actor, method: string, target: string, params: XmlRpcValue[]): Promise<XmlRpcValue> {
  return actor.mutate(method, target, () => actor.api.call(method, params, actor.signal));
}

export async function repeat(actor: Actor, method: string, target: string, params: XmlRpcValue[], tolerate: string[] = []): Promise<void> {
  const attempt = (): Promise<XmlRpcValue> =>
    actor.mutate(method, target, () =>
      actor.api.call(method, params, actor.signal).catch((error: unknown) => {
        if (isXenCode(error, ...tolerate)) return '';
        throw error;
      }),
    );
  for (let n = 1; ; n += 1) {
    try {
      await attempt();
      return;
    } catch (thrown) {
      const error = asConvergeError(thrown);
      if (!error.retryable || mayStillBeActing(error) || n >= DEFAULT_BACKOFF.attempts || actor.signal.aborted) throw error;
      await sleep(backoffDelay(n, DEFAULT_BACKOFF), undefined, { signal: actor.signal });
    }
  }
}

/** mayStillBeActing: the call timed out, so the server may act on it (or still be acting) after we gave up. */
export function mayStillBeActing(error: ConvergeError): boolean {
  return error.code === 'XMLRPC_TIMEOUT';
}

export function task(actor: Actor, method: string, target: string, params: XmlRpcValue[], timeoutMs?: number): Promise<string> {
  actor.progress(`${method} ${target}`);
  return actor.mutate(method, target, () =>
    actor.api.runAsync(method, params, {
      signal: actor.signal,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      onProgress: (p) => actor.progress(`${method} ${target}: ${Math.round(p * 100)}%`),
    }),
  );
}
