/**
 * Interfaces (xenapi.md §3 VIF, §4 rules): the manifest's interfaces, in order, are VIF devices
 * "0", "1", …. A missing one is created on its network (`VIF.create`, plus `VIF.plug` when the VM
 * runs), one on the wrong network is moved (`VIF.move`, live), an unplugged one on a running VM is
 * plugged, and VIFs beyond the list are unplugged and destroyed.
 */
import { once, repeat, type Actor } from './actor.js';
import type { VmFacts } from '../observe/vm-facts.js';
import type { PowerTrack } from './power.js';
import type { XenVmSpec } from '../xen-spec.js';

export async function realizeInterfaces(actor: Actor, facts: VmFacts, spec: XenVmSpec, state: PowerTrack): Promise<void> {
  const running = (): boolean => state.power === 'Running';
  for (const [device, name] of spec.interfaces.entries()) {
    const network = await actor.lookup.network(facts.infra, name, actor.signal);
    const vif = facts.vifs.find((v) => v.device === String(device));
    if (!vif) {
      const ref = String(await once(actor, 'VIF.create', `vif ${device} of vm ${facts.vm.uuid} on ${name}`, [vifRecord(facts, device, network)]));
      if (running()) await repeat(actor, 'VIF.plug', `vif ${ref}`, [ref], ['DEVICE_ALREADY_ATTACHED']);
      continue;
    }
    if (vif.network !== network) await repeat(actor, 'VIF.move', `vif ${device} of vm ${facts.vm.uuid} to ${name}`, [vif.ref, network]);
    if (running() && !vif.attached) await repeat(actor, 'VIF.plug', `vif ${vif.ref}`, [vif.ref], ['DEVICE_ALREADY_ATTACHED']);
  }
  const extra = facts.vifs.filter((v) => !/^\d+$/.test(v.device) || Number(v.device) >= spec.interfaces.length);
  for (const vif of extra) {
    if (running() && vif.attached) await repeat(actor, 'VIF.unplug', `vif ${vif.ref}`, [vif.ref], ['DEVICE_ALREADY_DETACHED', 'HANDLE_INVALID']);
    await repeat(actor, 'VIF.destroy', `vif ${vif.ref}`, [vif.ref], ['HANDLE_INVALID']);
  }
}

function vifRecord(facts: VmFacts, device: number, network: string): Record<string, string | string[] | Record<string, string>> {
  return {
    device: String(device),
    network,
    VM: facts.vm.ref,
    MAC: '',
    MTU: '1500',
    other_config: {},
    qos_algorithm_type: '',
    qos_algorithm_params: {},
    locking_mode: 'network_default',
    ipv4_allowed: [],
    ipv6_allowed: [],
  };
}
