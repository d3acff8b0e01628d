/**
 * `converge state …`: look at and edit the state itself, for the file store and PostgreSQL alike,
 * without contacting any backend (no manifest is even read):
 *
 *   list               every object key with its backend and ids
 *   show KEY           the records KEY names (an object, or a resource and everything under it)
 *   rm KEY             forget those objects: they stay live, converge no longer manages them
 *   mv OLD NEW         rename a resource (all its keys) or one object key
 *   migrate --to URL   copy the whole state (lineage, serial, records, journal) to another store
 *   unlock [--force]   remove a stale lock, or with --force any lock
 *
 * Edits take the state lock for their few milliseconds (`--lock-timeout` to wait for it); a live
 * holder exits 5 naming it. The state is chosen as for every command: --state (a file or a
 * postgres:// URL), $CONVERGE_STATE, or <dir>/.converge/state.json with --dir (default manifests);
 * --workspace picks the workspace of a database state.
 */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import type { CommonOptions } from '../options.js';
import type { Output } from '../output.js';

type Raw = CommonOptions & Record<string, unknown>;

/**
 * The subcommands' work (state stores, PostgreSQL, locks) loads on first use: every CLI run
 * registers `converge state`, few run it.
 */
const actions = (): Promise<typeof import('./state-actions.js')> => import('./state-actions.js');

/** StateCommandRunner wraps an action as program.ts does: options parsed, output ready, exit code kept. */
export type StateCommandRunner = (fn: (options: Raw, out: Output) => Promise<ExitCode>) => (...args: unknown[]) => Promise<void>;

/** registerStateCommand adds `converge state` and its subcommands to `program`. */
export function registerStateCommand(program: Command, common: (cmd: Command) => Command, run: StateCommandRunner): void {
  const state = program.command('state').description('inspect and edit the state (no backend is contacted)');
  const sub = (spec: string, description: string): Command =>
    common(state.command(spec).description(description)).option('--dir <dir>', 'manifests directory whose .converge/ holds a file state', 'manifests');
  const edit = (spec: string, description: string): Command => sub(spec, description).option('--lock-timeout <duration>', 'wait this long for the state lock', '0s');

  sub('list', 'list the objects in state').action((...args) => run(async (o, out) => { const a = await actions(); return a.withStore(o, (store) => a.listState(store, out)); })(...args));
  sub('show <key>', 'show the records of an object key or a resource').action((key: string, ...args) =>
    run(async (o, out) => { const a = await actions(); return a.withStore(o, (store) => a.showState(store, key, out)); })(...args),
  );
  edit('rm <key>', 'forget an object or a resource (it stays live, unmanaged)').action((key: string, ...args) =>
    run(async (o, out) => { const a = await actions(); return a.withStore(o, (store) => a.removeFromState(store, key, a.lockOptions(o, `converge state rm ${key}`), out)); })(...args),
  );
  edit('mv <old> <new>', 'rename a resource (all its keys) or one object key').action((from: string, to: string, ...args) =>
    run(async (o, out) => { const a = await actions(); return a.withStore(o, (store) => a.moveInState(store, from, to, a.lockOptions(o, `converge state mv ${from} ${to}`), out)); })(...args),
  );
  edit('migrate', 'copy the whole state to another store (file ↔ PostgreSQL)')
    .requiredOption('--to <url>', 'target: a state file path or a postgres:// URL')
    .option('--to-workspace <name>', 'workspace of a PostgreSQL target (default: --workspace)')
    .option('--force', 'replace a target that already holds a state')
    .action((...args) => run(async (o, out) => { const a = await actions(); return a.withStore(o, (store) => a.migrateTo(store, o, out)); })(...args));
  edit('unlock', 'remove a stale state lock').option('--force', 'remove the lock even if its holder looks alive').action((...args) =>
    run(async (o, out) => { const a = await actions(); return a.withStore(o, (store) => a.unlockState(store, Boolean(o.force), out)); })(...args),
  );
}
