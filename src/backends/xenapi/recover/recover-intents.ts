/**
 * Settling what killed or cut-short runs left behind (DESIGN §5), before the first observation.
 * The engine hands over every intent since the journal was last compacted; only those whose
 * outcome is unknown matter here (`open`: the run died during the call; `unknown`: the reply was
 * lost, or an earlier recovery found no trace):
 * - first, wait for the tasks of ours still pending on the server (an interrupted `Async.*` call
 *   goes on without us) so that what they do is visible;
 * - `VM.clone`: adopt the clone only if exactly one unmarked VM has the intent's name and was not
 *   among the VMs that had it before — nor, when a later clone of the same name followed, created
 *   after that one began (it is the later clone's); none: it did not happen; several: ambiguous,
 *   reported and left alone. When an earlier intent of this recovery already gave the key its VM,
 *   the clone is our own debris: it is marked with the key *and* `converge.deleting`, so the next
 *   pass finishes it off with its disks, as an interrupted delete is (never a second live copy);
 * - a `VM.clone` that completed (`done`, its ref in the outcome) but whose marking never finished
 *   (the run died in between): mark that VM, unless it is gone or already marked;
 * - `VM.add_to_other_config` or `VM.set_other_config` with a marker target: finish marking that VM
 *   (once per VM; unless someone else owns it).
 * A recovery whose own calls fail transiently leaves its intent unsettled for the next pass (the
 * engine runs recover on every pass while intents are unsettled; settle-intent.ts keeps the key
 * in motion meanwhile). Everything else (VDI, VBD, VIF and network creates carry their marker or
 * are found through their VM) is settled by observation.
 */
import { isKind } from '../../../errors/converge-error.js';
import type { Intent } from '../../../state/types.js';
import type { RecoverContext, RecoveredIntent } from '../../driver.js';
import { repeat, type Actor } from '../apply/actor.js';
import type { XenApi } from '../api/xen-api.js';
import { MARK_METHODS, markVm, parseCloneTarget, parseMarkTarget, settleTasks, unmarkedClones } from '../apply/clone.js';
import { isXenCode } from '../api/errors.js';
import { MARK } from '../observe/inventory.js';
import type { XenLookup } from '../observe/lookup.js';

const OUR_TASKS = new Set(['VM.clone', 'VM.provision', 'VDI.create', 'VM.start', 'VM.resume', 'VM.clean_shutdown', 'VM.hard_shutdown'].map((m) => `Async.${m}`));

export async function recoverIntents(api: XenApi, lookup: XenLookup, intents: readonly Intent[], ctx: RecoverContext): Promise<RecoveredIntent[]> {
  const uncertain = intents.filter((i) => i.status === 'open' || i.status === 'unknown');
  const clonesDone = intents.some((i) => i.method === 'VM.clone' && i.status === 'done');
  if (uncertain.length === 0 && !clonesDone) return [];
  await settleTasks(api, (t) => OUR_TASKS.has(t.nameLabel), ctx.signal);
  const actor = (key: string): Actor => ({ api, lookup, key, owner: ctx.owner, signal: ctx.signal, mutate: ctx.mutate, progress: () => undefined });
  const settled: RecoveredIntent[] = [];
  for (const intent of intents.filter((i) => i.method === 'VM.clone' && i.status === 'done' && typeof i.outcome?.ref === 'string')) {
    const result = await unlessCutOff(() => finishCloneMarking(actor(intent.key), intent));
    if (result) settled.push(result);
  }
  const keyed = new Set(settled.map((r) => r.key));
  for (const intent of uncertain.filter((i) => i.method === 'VM.clone')) {
    const result = await unlessCutOff(() => recoverClone(actor(intent.key), intent, nextCloneOfSameName(intents, intent), keyed.has(intent.key)));
    if (result?.ids) keyed.add(intent.key);
    if (result) settled.push(result);
  }
  const marks = new Map<string, Intent[]>();
  for (const intent of uncertain.filter((i) => MARK_METHODS.has(i.method))) marks.set(intent.target, [...(marks.get(intent.target) ?? []), intent]);
  for (const [target, group] of marks) {
    const mark = parseMarkTarget(target);
    if (!mark) continue;
    const note = await unlessCutOff(() => recoverMark(actor(mark.marker.key), mark));
    if (note) settled.push(...group.map((intent) => ({ intentId: intent.id, note, key: mark.marker.key })));
  }
  return settled;
}

/**
 * unlessCutOff runs one intent's recovery. When a call of its own fails transiently (its reply
 * too may be late) the intent stays unsettled, and recover, run again on every pass while
 * intents are unsettled, takes it up again after a fresh look.
 */
async function unlessCutOff<T>(step: () => Promise<T>): Promise<T | undefined> {
  try {
    return await step();
  } catch (error) {
    if (isKind(error, 'TRANSIENT')) return undefined;
    throw error;
  }
}

/** finishCloneMarking marks the VM a completed clone made, if the run died before marking it. */
async function finishCloneMarking(actor: Actor, intent: Intent): Promise<RecoveredIntent | undefined> {
  const clone = parseCloneTarget(intent.target);
  const ref = String(intent.outcome!.ref);
  if (!clone) return undefined;
  let otherConfig: Record<string, string>;
  try {
    otherConfig = await actor.api.vmOtherConfig(ref, actor.signal);
  } catch (error) {
    if (isXenCode(error, 'HANDLE_INVALID')) return undefined; // gone since: nothing to finish
    throw error;
  }
  if (otherConfig[MARK.owner] !== undefined) return undefined; // marked (by us, or not ours to touch)
  await markVm(actor, ref, { key: intent.key, template: clone.template, arch: clone.arch }, otherConfig);
  return { intentId: intent.id, note: `VM.clone ${clone.name} completed but its marking did not: marked it`, key: intent.key };
}

/** nextCloneOfSameName is the first later VM.clone intent for the same VM name, if any. */
function nextCloneOfSameName(intents: readonly Intent[], intent: Intent): Intent | undefined {
  const name = parseCloneTarget(intent.target)?.name;
  const later = intents.slice(intents.indexOf(intent) + 1);
  return later.find((i) => i.method === 'VM.clone' && parseCloneTarget(i.target)?.name === name);
}

async function recoverClone(actor: Actor, intent: Intent, next: Intent | undefined, keyTaken: boolean): Promise<RecoveredIntent | undefined> {
  const clone = parseCloneTarget(intent.target);
  if (!clone) return undefined;
  const beforeNext = next ? parseCloneTarget(next.target)?.before : undefined;
  const found = (await unmarkedClones(actor.api, clone.name, clone.before, actor.signal)).filter((vm) => !beforeNext || beforeNext.includes(vm.uuid));
  if (found.length === 0) return { intentId: intent.id, note: `VM.clone with unknown outcome: no unmarked VM named ${clone.name} is left to adopt` };
  if (found.length > 1) {
    const uuids = found.map((vm) => vm.uuid).join(', ');
    return { intentId: intent.id, note: `VM.clone with unknown outcome: ${found.length} unmarked VMs named ${clone.name} (${uuids}); ambiguous, left alone` };
  }
  const vm = found[0]!;
  if (keyTaken) {
    await repeat(actor, 'VM.add_to_other_config', `vm ${vm.uuid} deleting`, [vm.ref, 'converge.deleting', 'true'], ['MAP_DUPLICATE_KEY']);
    await markVm(actor, vm.ref, { key: intent.key, template: clone.template, arch: clone.arch }, { ...vm.otherConfig, 'converge.deleting': 'true' });
    return { intentId: intent.id, note: `VM.clone with unknown outcome: VM ${vm.uuid} named ${clone.name} is a second clone for ${intent.key}; marked for deletion` };
  }
  await markVm(actor, vm.ref, { key: intent.key, template: clone.template, arch: clone.arch }, vm.otherConfig);
  return { intentId: intent.id, note: `VM.clone with unknown outcome: adopted VM ${vm.uuid} named ${clone.name}`, key: intent.key, ids: { uuid: vm.uuid } };
}

async function recoverMark(actor: Actor, mark: NonNullable<ReturnType<typeof parseMarkTarget>>): Promise<string> {
  let otherConfig: Record<string, string>;
  try {
    otherConfig = await actor.api.vmOtherConfig(mark.ref, actor.signal);
  } catch (error) {
    if (isXenCode(error, 'HANDLE_INVALID')) return `interrupted marking: VM ${mark.ref} is gone`;
    throw error;
  }
  const owner = otherConfig[MARK.owner];
  if (owner === actor.owner) return `interrupted marking of VM ${mark.ref}: already complete`;
  if (owner !== undefined) return `interrupted marking: VM ${mark.ref} belongs to another owner; left alone`;
  await markVm(actor, mark.ref, mark.marker, otherConfig);
  return `interrupted marking of VM ${mark.ref}: marker completed`;
}
