/**
 * The work of `converge state …` (see state.ts, which registers the subcommands): loaded only when
 * one of them runs.
 */
import { resolve } from 'node:path';
import { ConvergeError } from '../../errors/converge-error.js';
import { createStateStore, isPostgresUrl, keysUnder, migrateState, refuseUnsettled, removeKeys, renameKeys, staleReason, withLock, type StateStoreWithTransfer } from '../../state/index.js';
import type { LockHolder, StateSnapshot } from '../../state/types.js';
import { openStore } from '../../workspace/open-workspace.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { durationFlag, type CommonOptions } from '../options.js';
import type { Output } from '../output.js';

type Raw = CommonOptions & Record<string, unknown>;

export type LockOptions = { timeoutMs: number; command: string };

export function lockOptions(o: Raw, command: string): LockOptions {
  return { timeoutMs: durationFlag('--lock-timeout', String(o.lockTimeout)), command };
}

export async function withStore(o: Raw, fn: (store: StateStoreWithTransfer) => Promise<ExitCode>): Promise<ExitCode> {
  const store = openStore(String(o.dir), storeOptions(o));
  try {
    return await fn(store);
  } finally {
    await store.close?.();
  }
}

function storeOptions(o: Raw): { statePath?: string; owner?: string; workspace?: string } {
  return { ...(o.state ? { statePath: o.state } : {}), ...(o.owner ? { owner: o.owner } : {}), ...(o.workspace ? { workspace: String(o.workspace) } : {}) };
}

export async function listState(store: StateStoreWithTransfer, out: Output): Promise<ExitCode> {
  const state = await store.read();
  const records = Object.values(state.objects).sort((a, b) => a.key.localeCompare(b.key));
  if (out.json) {
    out.record({ type: 'state', store: store.description, lineage: state.lineage, serial: state.serial, owner: state.owner, lastApplied: state.lastApplied ?? null, objects: records });
    return EXIT.ok;
  }
  out.line(headline(store, state));
  for (const r of records) out.line(`  ${r.key}  ${r.backend}  ${Object.entries(r.ids).map(([k, v]) => `${k}=${v}`).join(' ')}${r.orphaned ? '  (orphaned)' : ''}`);
  out.line(`${records.length} object(s)`);
  return EXIT.ok;
}

export async function showState(store: StateStoreWithTransfer, key: string, out: Output): Promise<ExitCode> {
  const state = await store.read();
  const keys = keysUnder(state, key);
  if (keys.length === 0) throw new ConvergeError('INVALID', 'USAGE', `state has no object ${key} (see converge state list)`);
  const records = keys.map((k) => state.objects[k]!);
  if (out.json) out.record({ type: 'state-records', key, serial: state.serial, records });
  else out.line(JSON.stringify(records.length === 1 && keys[0] === key ? records[0] : records, null, 2));
  return EXIT.ok;
}

export async function removeFromState(store: StateStoreWithTransfer, key: string, lock: LockOptions, out: Output): Promise<ExitCode> {
  const { removed, serial } = await editState(store, lock, (state, unsettled) => {
    const result = removeKeys(state, key);
    refuseUnsettled(unsettled, result.removed);
    return { next: result.snapshot, removed: result.removed };
  });
  if (out.json) out.record({ type: 'state-rm', key, removed, serial });
  else out.line(`Removed ${removed.length} object(s) from state (serial ${serial}); they stay live and converge no longer manages them:\n${removed.map((k) => `  - ${k}`).join('\n')}`);
  return EXIT.ok;
}

export async function moveInState(store: StateStoreWithTransfer, from: string, to: string, lock: LockOptions, out: Output): Promise<ExitCode> {
  const { renamed, serial } = await editState(store, lock, (state, unsettled) => {
    const result = renameKeys(state, from, to);
    refuseUnsettled(unsettled, result.renamed.map(([oldKey]) => oldKey));
    return { next: result.snapshot, renamed: result.renamed };
  });
  if (out.json) out.record({ type: 'state-mv', from, to, renamed, serial });
  else out.line(`Moved ${renamed.length} key(s) in state (serial ${serial}), no backend was called:\n${renamed.map(([a, b]) => `  ${a} → ${b}`).join('\n')}`);
  // Markers on IM, XenAPI and PlanetLab objects still name the old key: observation would find
  // them there. A resource rename is `metadata.previousNames` (src/workspace/renames.ts).
  if (!out.json && renamed.some(([a]) => !a.startsWith('VesselSet/'))) {
    out.line('note: IM, XenAPI and PlanetLab objects carry their key in converge\'s marker on the backend, which `state mv` does not change; to rename a resource, add `metadata.previousNames: [<old name>]` to it instead (docs/LIFECYCLE.md)');
  }
  return EXIT.ok;
}

/** editState reads, edits and writes the state under its lock, and returns the edit's facts with the new serial. */
async function editState<T extends { next: StateSnapshot }>(
  store: StateStoreWithTransfer,
  lock: LockOptions,
  edit: (state: StateSnapshot, unsettled: Awaited<ReturnType<StateStoreWithTransfer['journal']['unsettled']>>) => T,
): Promise<Omit<T, 'next'> & { serial: number }> {
  return withLock(store, lock, async () => {
    const state = await store.read();
    const { next, ...facts } = edit(state, await store.journal.unsettled());
    const written = await store.write(next, state.serial);
    return { ...facts, serial: written.serial };
  });
}

export async function migrateTo(source: StateStoreWithTransfer, o: Raw, out: Output): Promise<ExitCode> {
  const to = String(o.to);
  const workspace = o.toWorkspace ? String(o.toWorkspace) : o.workspace ? String(o.workspace) : undefined;
  const target = createStateStore({ url: isPostgresUrl(to) ? to : resolve(to), ...(workspace !== undefined ? { workspace } : {}) });
  try {
    const lock = lockOptions(o, 'converge state migrate');
    const result = await migrateState(source, target, { lockTimeoutMs: lock.timeoutMs, command: lock.command, force: Boolean(o.force) });
    if (out.json) out.record({ type: 'state-migrate', from: source.description, to: target.description, ...result });
    else {
      out.line(`Migrated ${source.description} → ${target.description}${result.overwritten ? ' (replaced what was there)' : ''}:`);
      out.line(`  lineage ${result.lineage}, serial ${result.serial}, ${result.objects} object(s), ${result.intents} journal intent(s) (${result.unsettled} unsettled)`);
      out.line(`The source was left as it was; point --state or CONVERGE_STATE at the target to use it.`);
    }
    return EXIT.ok;
  } finally {
    await target.close?.();
  }
}

export async function unlockState(store: StateStoreWithTransfer, force: boolean, out: Output): Promise<ExitCode> {
  const holder = await store.inspect();
  const stale = holder && staleReason(holder, Date.now());
  if (holder === undefined) {
    report(out, { unlocked: false, holder: null }, `${store.description} is not locked.`);
    return EXIT.ok;
  }
  if (stale === undefined && !force) {
    throw new ConvergeError('CONFLICT', 'STATE_LOCKED', `state is locked by ${describeHolder(holder)}, which looks alive; rerun with --force to remove the lock anyway`, { ...holder });
  }
  const removed = await store.breakLock();
  const why = stale === 'expired' ? 'its lease had expired' : stale === 'dead' ? 'its process is gone' : 'forced';
  report(out, { unlocked: removed !== undefined, holder: removed ?? null, reason: why }, `Removed the lock of ${store.description} held by ${describeHolder(removed ?? holder)} (${why}).`);
  return EXIT.ok;
}

function report(out: Output, value: Record<string, unknown>, text: string): void {
  if (out.json) out.record({ type: 'state-unlock', ...value });
  else out.line(text);
}

function describeHolder(holder: LockHolder): string {
  return `${holder.user}@${holder.host} pid ${holder.pid} (${holder.command}) since ${holder.acquiredAt}`;
}

function headline(store: StateStoreWithTransfer, state: StateSnapshot): string {
  return `state ${store.description}: serial ${state.serial}, lineage ${state.lineage}, owner ${state.owner}${state.serial === 0 ? ' (never written)' : ''}`;
}
