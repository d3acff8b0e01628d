/**
 * observeAll asks every backend, in parallel, for the objects this owner has there, then proves
 * the absence of every object state records on it that the batched read did not return, by
 * reading it by id (DESIGN §5). A backend that cannot be observed (after its own read retries)
 * is reported and its objects are left out of this pass: converge never plans deletes or creates
 * against a backend it could not see. A backend that refuses the identity (UNAUTHORIZED) makes
 * the whole observation fail with IDENTITY_REFUSED: creating under another identity would make a
 * second copy of everything recorded there.
 */
import type { DesiredObject, Driver, ObservedObject } from '../../backends/driver.js';
import { asConvergeError, ConvergeError } from '../../errors/converge-error.js';
import type { EventSink } from '../events.js';
import type { ObjectRecord, StateSnapshot } from '../../state/types.js';
import { identityRefused } from './identity-refused.js';

export interface Observation {
  /** objects observed, sorted by key; several may share a key (see surplus.ts). */
  objects: ObservedObject[];
  byKey: Map<string, ObservedObject>;
  /** unavailable maps a backend name to why it could not be observed. */
  unavailable: Map<string, ConvergeError>;
  /** gone maps keys recorded in state to the backend's proof that they no longer exist. */
  gone: Map<string, string>;
}

export interface ObserveAllOptions {
  owner: string;
  signal: AbortSignal;
  sink: EventSink;
  state: Pick<StateSnapshot, 'objects'>;
  now: Date;
  desired: readonly DesiredObject[];
  /** access asks drivers for access facts that cost extra reads (ObserveContext.access). */
  access?: boolean;
}

interface BackendObservation {
  objects: ObservedObject[];
  gone: Map<string, string>;
}

export async function observeAll(drivers: ReadonlyMap<string, Driver>, options: ObserveAllOptions): Promise<Observation> {
  const records = Object.values(options.state.objects);
  const objects: ObservedObject[] = [];
  const unavailable = new Map<string, ConvergeError>();
  const gone = new Map<string, string>();
  const refused: ConvergeError[] = [];
  await Promise.all(
    [...drivers.values()].map(async (driver) => {
      const started = Date.now();
      const mine = records.filter((r) => r.backend === driver.name);
      try {
        const found = await observeBackend(driver, mine, options);
        objects.push(...found.objects);
        for (const [key, evidence] of found.gone) gone.set(key, evidence);
        options.sink.emit({ type: 'observed', backend: driver.name, objects: found.objects.length, ms: Date.now() - started });
      } catch (thrown) {
        const error = asConvergeError(thrown);
        if (error.kind === 'UNAUTHORIZED') refused.push(identityRefused(driver, error, mine));
        unavailable.set(driver.name, error);
        options.sink.emit({ type: 'observe-failed', backend: driver.name, code: error.code, message: error.message });
      }
    }),
  );
  if (refused.length > 0) throw refused[0]!;
  objects.sort((a, b) => a.key.localeCompare(b.key));
  return { objects, byKey: byKeyOf(objects), unavailable, gone };
}

/** byKeyOf indexes objects by key; where several share one, the first (by key order) wins. */
export function byKeyOf(objects: readonly ObservedObject[]): Map<string, ObservedObject> {
  const byKey = new Map<string, ObservedObject>();
  for (const o of objects) if (!byKey.has(o.key)) byKey.set(o.key, o);
  return byKey;
}

async function observeBackend(driver: Driver, records: readonly ObjectRecord[], options: ObserveAllOptions): Promise<BackendObservation> {
  const ctx = {
    signal: options.signal,
    owner: options.owner,
    now: options.now,
    records,
    desired: options.desired.filter((d) => d.backend === driver.name),
    ...(options.access ? { access: true } : {}),
  };
  const objects = await driver.observe(ctx);
  const seen = new Set(objects.map((o) => o.key));
  const missing = records.filter((r) => !r.orphaned && !seen.has(r.key) && Object.keys(r.ids).length > 0);
  const gone = new Map<string, string>();
  if (missing.length === 0) return { objects, gone };
  for (const result of await driver.lookup(missing, ctx)) {
    if (result.presence === 'present') objects.push(...result.objects);
    else gone.set(result.key, result.evidence);
  }
  const unanswered = missing.filter((r) => !gone.has(r.key) && !objects.some((o) => o.key === r.key));
  if (unanswered.length > 0) {
    // Absence must be proven: an object nobody vouched for is not "gone", it is unknown.
    throw new ConvergeError('TERMINAL', 'LOOKUP_INCOMPLETE', `backend ${driver.name}: looking up ${unanswered.map((r) => r.key).join(', ')} by id gave no answer`);
  }
  return { objects, gone };
}
