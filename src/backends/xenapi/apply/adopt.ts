/**
 * adoptVm imports a XenAPI VM created outside converge (by uuid, or OpaqueRef): a VM marked by
 * another owner is refused, one already marked for this key is returned as is; otherwise the
 * `other_config` marker is written as for a clone (clone.ts markVm: template and arch from the
 * manifest, then key, owner last). Templates, snapshots and dom0 are never adopted. Only VMs can
 * be imported: networks are found by name and used as they are (docs/backends/xenapi.md).
 */
import { ConvergeError, isKind } from '../../../errors/converge-error.js';
import { importKeyMismatch, importNotFound, importOtherOwner } from '../../adopt-errors.js';
import type { AdoptResult, DesiredObject } from '../../driver.js';
import type { XenVm } from '../api/records.js';
import { MARK } from '../observe/inventory.js';
import { parseKey, type XenVmSpec } from '../xen-spec.js';
import type { Actor } from './actor.js';
import { markVm } from './clone.js';

export async function adoptVm(actor: Actor, backend: string, desired: DesiredObject, id: string): Promise<AdoptResult> {
  if (parseKey(desired.key)?.type !== 'vm') {
    throw new ConvergeError('INVALID', 'IMPORT_UNSUPPORTED', `backend ${backend}: only VMs can be imported; ${desired.key} is a network, which converge finds by name and uses as it is`);
  }
  const vm = await readVm(actor, backend, id);
  const what = `VM ${vm.uuid} (${JSON.stringify(vm.nameLabel)})`;
  if (vm.isTemplate || vm.isSnapshot || vm.isControlDomain) throw importNotFound(backend, `a VM ${id} that is not a template, snapshot or control domain`, `${what} is one`);
  const owner = vm.otherConfig[MARK.owner];
  const key = vm.otherConfig[MARK.key];
  if (owner !== undefined && owner !== actor.owner) throw importOtherOwner(backend, what, owner);
  if (owner === actor.owner && key === desired.key) return { ids: { uuid: vm.uuid }, note: `${what} already carries this owner's marker for ${desired.key}` };
  if (owner === actor.owner && key !== undefined) throw importKeyMismatch(backend, what, key);
  const spec = desired.spec as unknown as XenVmSpec;
  await markVm(actor, vm.ref, { key: desired.key, template: spec.template, arch: spec.arch }, vm.otherConfig);
  return { ids: { uuid: vm.uuid }, note: `wrote converge's marker into other_config of ${what}` };
}

async function readVm(actor: Actor, backend: string, id: string): Promise<XenVm> {
  try {
    const ref = id.startsWith('OpaqueRef:') ? id : String(await actor.api.repeatable('VM.get_by_uuid', [id], actor.signal));
    return await actor.api.vm(ref, actor.signal);
  } catch (error) {
    if (isKind(error, 'NOT_FOUND')) throw importNotFound(backend, `VM ${id}`, error.message);
    throw error;
  }
}
