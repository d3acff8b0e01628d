/**
 * The lifecycle verbs beside plan and reconcile: `destroy`, `import` and `show`. Registered here
 * so program.ts stays a list; each command loads on first use.
 */
import type { Command } from 'commander';
import type { ExitCode } from './exit-codes.js';
import { countFlag, durationFlag, type CommonOptions } from './options.js';
import type { Output } from './output.js';
import { selectionOptions } from './selection-flags.js';

type Raw = CommonOptions & Record<string, unknown>;
type Runner = (fn: (options: Raw, out: Output) => Promise<ExitCode>) => (...args: unknown[]) => Promise<void>;

export function registerLifecycleCommands(program: Command, common: (cmd: Command) => Command, run: Runner): void {
  selectionOptions(common(program.command('destroy [dir]').description("delete everything the manifests' resources own (deletionPolicy Orphan: let go, left live); asks on a terminal")))
    .option('--auto-approve', 'destroy without asking (required when stdin is not a terminal or CI is set)')
    .option('--wait <duration>', 'how long to keep at it', '10m')
    .option('--max-destroy <n>', 'refuse (exit 6) to destroy more objects than this')
    .option('--lock-timeout <duration>', 'wait this long for the state lock', '0s')
    .option('--parallelism <n>', 'actions in flight at once, across backends', '16')
    .action((dir = 'manifests', ...rest) =>
      run(async (o, out) =>
        (await import('./commands/destroy.js')).destroyCommand(dir, out, {
          ...o,
          waitMs: durationFlag('--wait', String(o.wait)),
          lockTimeoutMs: durationFlag('--lock-timeout', String(o.lockTimeout)),
          parallelism: countFlag('--parallelism', String(o.parallelism), 1),
          ...(o.maxDestroy !== undefined ? { maxDestroy: countFlag('--max-destroy', String(o.maxDestroy)) } : {}),
        }),
      )(...rest),
    );

  common(program.command('import <key> <id>').description('adopt an existing object created outside converge as KEY (marks it where the backend can, records it in state)'))
    .option('--dir <dir>', 'manifests directory', 'manifests')
    .option('--lock-timeout <duration>', 'wait this long for the state lock', '0s')
    .action((key: string, id: string, ...rest) =>
      run(async (o, out) =>
        (await import('./commands/import.js')).importCommand(String(o.dir), key, id, out, { ...o, lockTimeoutMs: durationFlag('--lock-timeout', String(o.lockTimeout)) }),
      )(...rest),
    );

  program
    .command('show <plan>')
    .description('print a plan saved by `plan --out` as plan prints it (--json: the plan document)')
    .option('--json', 'print the plan document as JSON')
    .option('--no-color', 'no colour even on a terminal')
    .action((path: string, ...rest) => run(async (_o, out) => (await import('./commands/show.js')).showCommand(path, out))(...rest));
}
