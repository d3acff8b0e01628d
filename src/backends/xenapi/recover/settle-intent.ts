/**
 * settleXenIntent keeps a key in motion while an unanswered call left a VM that only converge
 * can account for, and that no observation of the key would ever show: a clone not yet marked.
 * A VM without `converge.owner` is invisible to observe, so the engine's rule (absent after the
 * settle grace → create again) would clone a second VM and leave this one unmarked for good.
 * Instead the key waits, and recover (run on every pass while intents are unsettled) finishes
 * the marking or adopts the clone, which settles the intent.
 * - `VM.add_to_other_config` (the marking) whose VM still exists without an owner: waiting;
 * - `VM.clone` with an unmarked VM of its name that was not there before it: waiting.
 * Anything else: the engine's rule (undefined).
 */
import type { Intent } from '../../../state/types.js';
import type { IntentSettlement } from '../../driver.js';
import { parseCloneTarget, parseMarkTarget } from '../apply/clone.js';
import { MARK, type Inventory } from '../observe/inventory.js';

export function settleXenIntent(intent: Intent, inventory: Inventory | undefined): IntentSettlement | undefined {
  if (!inventory) return undefined;
  if (intent.method === 'VM.add_to_other_config') {
    const mark = parseMarkTarget(intent.target);
    const vm = mark ? inventory.tables.vms.get(mark.ref) : undefined;
    if (!vm || vm.otherConfig[MARK.owner] !== undefined) return undefined;
    return { verdict: 'waiting', message: `the marking of VM ${vm.nameLabel} (${vm.uuid}) has an unknown outcome; converge finishes it before anything else` };
  }
  if (intent.method === 'VM.clone') {
    const clone = parseCloneTarget(intent.target);
    if (!clone) return undefined;
    const unmarked = [...inventory.tables.vms.values()].filter((vm) => vm.nameLabel === clone.name && !vm.otherConfig[MARK.owner] && !clone.before.includes(vm.uuid));
    if (unmarked.length === 0) return undefined;
    return { verdict: 'waiting', message: `VM.clone ${clone.name} has an unknown outcome and ${unmarked.length} unmarked VM(s) of that name appeared; converge adopts its clone before cloning again` };
  }
  return undefined;
}
