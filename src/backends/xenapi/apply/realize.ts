/**
 * realizeVm brings one of converge's VMs from what it is (`facts`) to its desired spec. Create
 * runs it on a fresh clone and update on an observed VM, so a create cut short anywhere is
 * finished by the next pass. Steps, in an order xapi accepts:
 * 1. power off first when the manifest wants the VM halted, or when a change needs it halted and
 *    `updatePolicy: restart` allows it; otherwise such a change is refused with INVALID
 *    `XEN_NEEDS_RESTART` (after every other step, so nothing else waits on it);
 * 2. provision a clone still marked as a template (with an SR in the template's `disks` spec);
 * 3. name, memory, VCPUs; 4. disks; 5. interfaces; 6. power on when the manifest wants it.
 */
import { ConvergeError } from '../../../errors/converge-error.js';
import { repeat, task, type Actor } from './actor.js';
import type { VmFacts } from '../observe/vm-facts.js';
import { realizeDisks } from './disks.js';
import { powerOff, powerOn, type PowerTrack } from './power.js';
import { applySettings, haltNeeds } from './memory-vcpus.js';
import type { XenVmSpec } from '../xen-spec.js';
import { realizeInterfaces } from './vifs.js';

export async function realizeVm(actor: Actor, spec: XenVmSpec, facts: VmFacts): Promise<void> {
  const { vm } = facts;
  const state: PowerTrack = { power: vm.powerState };
  const needs = haltNeeds(vm, spec);
  const problems: ConvergeError[] = [];
  if (state.power !== 'Halted' && (spec.power === 'halted' || (needs.length > 0 && spec.updatePolicy === 'restart'))) {
    await powerOff(actor, vm, state);
  } else if (state.power !== 'Halted' && needs.length > 0) {
    problems.push(needsRestart(facts.key, needs));
  }
  if (vm.isTemplate) await provision(actor, facts);
  if (vm.nameLabel !== spec.name) await repeat(actor, 'VM.set_name_label', `vm ${vm.uuid} name ${spec.name}`, [vm.ref, spec.name]);
  await applySettings(actor, vm, spec, state.power === 'Halted');
  problems.push(...(await realizeDisks(actor, facts, spec, state)));
  await realizeInterfaces(actor, facts, spec, state);
  if (spec.power === 'running' && state.power !== 'Running') await powerOn(actor, vm, state);
  const [first] = problems;
  if (first) throw problems.length === 1 ? first : new ConvergeError(first.kind, first.code, problems.map((p) => p.message).join('; '));
}

function needsRestart(key: string, needs: string[]): ConvergeError {
  return new ConvergeError(
    'INVALID',
    'XEN_NEEDS_RESTART',
    `${key}: ${needs.join('; ')}: this needs the VM halted. Set \`updatePolicy: restart\` on the Infrastructure to let converge shut it down and start it again, or stop it with \`power: stopped\`.`,
  );
}

/**
 * provision turns the clone into a VM with its system disks. Shipped templates leave the SR of
 * their `disks` spec empty (`sr=""`, which xapi refuses with UUID_INVALID), as `xe vm-install`
 * fills it in: converge puts the Backend's SR there, in one `set_other_config`.
 * A clone with neither a `disks` spec nor a `postinstall` script has nothing to create or run:
 * provision only ends the template (xenapi.md §3), a database change, so it is made as a plain
 * call (one round trip, no task to watch and destroy). A repeat after a lost reply that had
 * landed is refused ONLY_PROVISION_TEMPLATE, which means done.
 */
async function provision(actor: Actor, facts: VmFacts): Promise<void> {
  const { vm } = facts;
  const disks = vm.otherConfig.disks;
  if (disks === undefined && vm.otherConfig.postinstall === undefined) {
    await repeat(actor, 'VM.provision', `vm ${vm.uuid}`, [vm.ref], ['ONLY_PROVISION_TEMPLATE']);
    return;
  }
  if (disks !== undefined && /\bsr=""/.test(disks)) {
    const sr = await actor.lookup.sr(actor.signal);
    const otherConfig = { ...vm.otherConfig, disks: disks.replace(/\bsr=""/g, `sr="${sr.uuid}"`) };
    await repeat(actor, 'VM.set_other_config', `vm ${vm.uuid} disks in SR ${sr.nameLabel}`, [vm.ref, otherConfig]);
  }
  await task(actor, 'VM.provision', `vm ${vm.uuid}`, [vm.ref]);
}
