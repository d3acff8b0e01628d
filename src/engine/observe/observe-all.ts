/**
 * observeAll asks every backend, in parallel, for the objects this owner has there. A backend
 * that cannot be observed (after its own read retries) is reported, and its objects are left
 * out of this pass: converge never plans deletes or creates against a backend it could not see.
 */
import type { DesiredObject, Driver, ObservedObject } from '../backends/driver.js';
import { asConvergeError, type ConvergeError } from '../errors/converge-error.js';
import type { EventSink } from './events.js';
import type { StateSnapshot } from '../state/types.js';

export interface Observation {
  objects: ObservedObject[];
  byKey: Map<string, ObservedObject>;
  /** unavailable maps a backend name to why it could not be observed. */
  unavailable: Map<string, ConvergeError>;
}

export interface ObserveAllOptions {
  owner: string;
  signal: AbortSignal;
  sink: EventSink;
  state: Pick<StateSnapshot, 'objects'>;
  now: Date;
  desired: readonly DesiredObject[];
}

export async function observeAll(drivers: ReadonlyMap<string, Driver>, options: ObserveAllOptions): Promise<Observation> {
  const { owner, signal, sink } = options;
  const records = Object.values(options.state.objects);
  const objects: ObservedObject[] = [];
  const unavailable = new Map<string, ConvergeError>();
  await Promise.all(
    [...drivers.values()].map(async (driver) => {
      const started = Date.now();
      try {
        const found = await driver.observe({
          signal,
          owner,
          now: options.now,
          records: records.filter((r) => r.backend === driver.name),
          desired: options.desired.filter((d) => d.backend === driver.name),
        });
        objects.push(...found);
        sink.emit({ type: 'observed', backend: driver.name, objects: found.length, ms: Date.now() - started });
      } catch (thrown) {
        const error = asConvergeError(thrown);
        unavailable.set(driver.name, error);
        sink.emit({ type: 'observe-failed', backend: driver.name, code: error.code, message: error.message });
      }
    }),
  );
  objects.sort((a, b) => a.key.localeCompare(b.key));
  return { objects, byKey: new Map(objects.map((o) => [o.key, o])), unavailable };
}
