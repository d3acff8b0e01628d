/**
 * Creating converge's XenAPI objects:
 * - a VM: `Async.VM.clone` of the template under its final name, the ownership marker at once
 *   (one `VM.set_other_config` on the clone's record, clone.ts),
 *   then the same `realizeVm` that update uses (provision, memory, VCPUs, disks, interfaces,
 *   power), so a create cut short anywhere is finished by the next pass's update;
 * - a network: an existing network with the declared name (or the one `options.networks` maps
 *   it to) is used as-is and recorded as external; otherwise `network.create` with the marker in
 *   its constructor record, so it is never unmarked.
 * A clone whose reply was lost or late (TRANSIENT) is looked for by name before giving up, so a
 * retry never leaves a second, unmarked clone behind; a marking whose reply was lost or late is
 * finished by recover (recover/recover-intents.ts), never undone.
 */
import { ConvergeError, isKind } from '../../../errors/converge-error.js';
import type { ApplyResult, DesiredObject } from '../../driver.js';
import { once, repeat, type Actor } from './actor.js';
import { cloneTarget, markClone, settleTasks, unmarkedClones, type Marker } from './clone.js';
import type { VmFacts } from '../observe/vm-facts.js';
import { MARK } from '../observe/inventory.js';
import type { XenVif, XenVm } from '../api/records.js';
import { realizeVm } from './realize.js';
import { parseKey, type XenVmSpec } from '../xen-spec.js';

export async function createVm(actor: Actor, desired: DesiredObject): Promise<ApplyResult> {
  const spec = desired.spec as unknown as XenVmSpec;
  const infra = parseKey(desired.key)?.infra ?? '';
  const template = await actor.lookup.template(spec.template, actor.signal);
  // Read after this point (with the names of the creates starting meanwhile: api/name-reads.ts), just before the clone.
  const before = await actor.api.vmUuidsNamed(spec.name, actor.signal);
  const target = cloneTarget({ name: spec.name, template: spec.template, arch: spec.arch, before });
  // The clone's ref goes into the journal: a run killed before its marking is done lets the next
  // run find and mark exactly this VM (recover/recover-intents.ts).
  const ref = await actor.mutate('VM.clone', target, () => cloneOrFind(actor, template, spec.name, before), (cloned) => ({ ref: cloned }));
  const marker: Marker = { key: desired.key, template: spec.template, arch: spec.arch };
  let vm: XenVm;
  try {
    // Reading the clone is no side effect; the marker is still the first write after the clone.
    vm = await markClone(actor, await actor.api.vm(ref, actor.signal), marker);
  } catch (error) {
    // A marking whose outcome is unknown (a late or lost reply) may have landed: its intents name
    // the VM and the marker, so the next pass's recover finishes it (destroying the clone here
    // would race the call still in flight). A marking refused outright leaves a clone no later
    // pass could see: take it back.
    if (!isKind(error, 'TRANSIENT') && !isAborted(error)) {
      await repeat(actor, 'VM.destroy', `vm ${ref} (unmarked clone)`, [ref], ['HANDLE_INVALID']).catch(() => undefined);
    }
    throw error;
  }
  const facts: VmFacts = { key: desired.key, infra, vm, vifs: await readVifs(actor, vm), disks: [], ownedVdis: [] };
  await realizeVm(actor, spec, facts);
  return { ids: { uuid: vm.uuid } };
}

async function cloneOrFind(actor: Actor, template: string, name: string, before: string[]): Promise<string> {
  try {
    actor.progress(`VM.clone ${name}`);
    return await actor.api.runAsync('VM.clone', [template, name], { signal: actor.signal, onProgress: (p) => actor.progress(`VM.clone ${name}: ${Math.round(p * 100)}%`) });
  } catch (error) {
    if (!isKind(error, 'TRANSIENT')) throw error;
    await settleTasks(actor.api, (t) => t.nameLabel === 'Async.VM.clone', actor.signal);
    const found = await unmarkedClones(actor.api, name, before, actor.signal);
    if (found.length === 1) return found[0]!.ref;
    if (found.length > 1) {
      throw new ConvergeError('TERMINAL', 'XEN_CLONE_AMBIGUOUS', `${found.length} unmarked VMs named ${name} appeared after an interrupted clone; converge leaves them alone`);
    }
    throw error;
  }
}

function isAborted(error: unknown): boolean {
  return error instanceof ConvergeError && error.code === 'ABORTED';
}

function readVifs(actor: Actor, vm: XenVm): Promise<XenVif[]> {
  return Promise.all(vm.vifs.map((ref) => actor.api.vif(ref, actor.signal)));
}

export async function createNetwork(actor: Actor, desired: DesiredObject): Promise<ApplyResult> {
  const parsed = parseKey(desired.key);
  if (!parsed) throw new ConvergeError('TERMINAL', 'XEN_BAD_KEY', `${desired.key} is not a network key`);
  const existing = actor.lookup.inventory.existingNetwork(parsed.name);
  if (existing) {
    actor.progress(`uses the existing network "${existing.nameLabel}"`);
    return { ids: { uuid: existing.uuid, external: 'true' }, message: `uses the existing network "${existing.nameLabel}"` };
  }
  const record = {
    name_label: `${parsed.infra}-${parsed.name}`,
    name_description: `network ${parsed.name} of Infrastructure/${parsed.infra}, managed by converge`,
    MTU: '1500',
    other_config: { [MARK.key]: desired.key, [MARK.owner]: actor.owner },
    tags: [],
  };
  actor.progress(`network.create ${record.name_label}`);
  const ref = String(await once(actor, 'network.create', `network ${record.name_label}`, [record]));
  const uuid = String(await actor.api.session.read('network.get_uuid', [ref], { signal: actor.signal }));
  return { ids: { uuid } };
}

