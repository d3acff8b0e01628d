/**
 * The selection flags of plan, reconcile, destroy and watch: `--target Kind/name` and
 * `-l key=value`, both repeatable, and `--replace KEY` (plan and reconcile). See
 * src/engine/select/selection.ts for what they select.
 */
import type { Command } from 'commander';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** selectionOptions adds `--target` and `-l/--selector` to a command. */
export function selectionOptions(cmd: Command): Command {
  return cmd
    .option('--target <Kind/name>', 'only this resource (repeatable; Backend/<name> selects the resources on that backend)', collect)
    .option('-l, --selector <key=value>', 'only resources whose metadata.labels match (repeatable, all must match; key!=value excludes)', collect);
}

/** replaceOption adds the repeatable `--replace KEY`. */
export function replaceOption(cmd: Command): Command {
  return cmd.option('--replace <key>', 'replace this object (destroy, then create) even if nothing changed (repeatable)', collect);
}

/** SelectionOptions are the parsed selection flags. */
export interface SelectionOptions {
  target?: string[];
  selector?: string[];
  replace?: string[];
}
