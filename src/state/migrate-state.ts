/**
 * migrateState copies a whole state from one store to another (`converge state migrate`): the
 * snapshot exactly as stored (lineage, serial, owner, lastApplied, every record) and every intent
 * the journal holds (unsettled ones above all), under both stores' locks. The source is left as
 * it was; the target must be empty unless `force`. File → PostgreSQL → file gives back the same
 * state.
 */
import { ConvergeError } from '../errors/converge-error.js';
import type { LockHandle, StateStore, StateTransfer } from './types.js';

type StateStoreWithTransfer = StateStore & StateTransfer;

/** MigrateOptions: lock wait, the command named in the locks, and whether to overwrite a non-empty target. */
export interface MigrateOptions {
  lockTimeoutMs: number;
  command: string;
  force: boolean;
}

/** MigrateResult says what was copied. */
export interface MigrateResult {
  lineage: string;
  serial: number;
  objects: number;
  intents: number;
  unsettled: number;
  /** overwritten is true when a non-empty target was replaced (force). */
  overwritten: boolean;
}

export async function migrateState(source: StateStoreWithTransfer, target: StateStoreWithTransfer, options: MigrateOptions): Promise<MigrateResult> {
  if (source.description === target.description) throw new ConvergeError('INVALID', 'USAGE', `the source and the target are the same state (${source.description})`);
  const locks: LockHandle[] = [];
  try {
    locks.push(await source.acquire({ timeoutMs: options.lockTimeoutMs, command: options.command }));
    locks.push(await target.acquire({ timeoutMs: options.lockTimeoutMs, command: options.command }));
    const snapshot = await source.read();
    const intents = await source.journal.recent();
    if (snapshot.serial === 0 && intents.length === 0) {
      throw new ConvergeError('INVALID', 'USAGE', `${source.description} holds no state to migrate (it was never written)`);
    }
    const empty = await target.isEmpty();
    if (!empty && !options.force) {
      throw new ConvergeError('CONFLICT', 'STATE_TARGET_NOT_EMPTY', `${target.description} already holds a state; refusing to overwrite it (use --force to replace it)`, { target: target.description });
    }
    await target.replaceAll(snapshot, intents);
    return {
      lineage: snapshot.lineage,
      serial: snapshot.serial,
      objects: Object.keys(snapshot.objects).length,
      intents: intents.length,
      unsettled: (await target.journal.unsettled()).length,
      overwritten: !empty,
    };
  } finally {
    for (const lock of locks.reverse()) await lock.release();
  }
}
