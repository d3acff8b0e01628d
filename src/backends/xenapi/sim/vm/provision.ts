/**
 * VM.provision (xenapi.md §3, after xapi's xapi_templates.ml): reads the template's
 * `other_config.disks` spec,
 *
 *   <provision><disk device="0" size="8589934592" sr="<SR uuid>" bootable="true" type="system"/></provision>
 *
 * and, disk by disk, creates a VDI (name_label = the userdevice, name_description "Created by
 * template provisioner", sm_config vmhint) and an RW Disk VBD (unpluggable unless type system,
 * other_config owner). An sr that is not an SR uuid (including "") is `UUID_INVALID ["sr", value]`;
 * disks created before it stay, as in xapi. Then the `disks` and `postinstall` keys go and the VM
 * stops being a template. The spec is parsed with a regex: it is a flat list of empty elements.
 */
import type { SimContext } from '../dispatch/context.js';
import { VDI_TYPES } from '../schema/storage.js';
import { createVdi } from '../storage/vdis.js';
import { internalError, XenApiError } from '../wire/errors.js';
import { assertVmOperation } from './check-operation.js';
import { usedDevices } from './devices.js';

export interface ProvisionDisk {
  device: string;
  size: number;
  sr: string;
  bootable: boolean;
  type: string;
}

export function parseProvisionSpec(xml: string): ProvisionDisk[] {
  const body = /^\s*<provision\s*>([\s\S]*)<\/provision>\s*$/.exec(xml) ?? /^\s*<provision\s*\/>\s*$/.exec(xml);
  if (!body) throw internalError('Xapi_templates.Parse_failure');
  const disks: ProvisionDisk[] = [];
  const rest = (body[1] ?? '').replace(/<disk\b([^>]*?)\/>/g, (_, attrText: string) => {
    const attrs = Object.fromEntries([...attrText.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const { device, size, sr, bootable } = attrs;
    if (device === undefined || size === undefined || sr === undefined || bootable === undefined || !/^\d+$/.test(size)) {
      throw internalError('Xapi_templates.Parse_failure');
    }
    const type = VDI_TYPES.slice(0, 5).includes(attrs.type as never) ? String(attrs.type) : 'system';
    disks.push({ device, size: Number(size), sr, bootable: bootable === 'true', type });
    return '';
  });
  if (rest.trim() !== '') throw internalError('Xapi_templates.Parse_failure');
  return disks;
}

export function provisionVm(ctx: SimContext, ref: string, task?: string): void {
  const vm = assertVmOperation(ctx, ref, 'provision', task);
  const other = { ...(vm.other_config as Record<string, string>) };
  const disks = other.disks === undefined ? [] : parseProvisionSpec(other.disks);
  for (const disk of disks) createDisk(ctx, ref, String(vm.uuid), disk);
  delete other.disks;
  delete other.postinstall;
  ctx.store.update('VM', ref, { other_config: other, is_a_template: false });
}

function createDisk(ctx: SimContext, vmRef: string, vmUuid: string, disk: ProvisionDisk): void {
  const sr = ctx.store.refByUuid('SR', disk.sr);
  if (!sr) throw new XenApiError('UUID_INVALID', ['sr', disk.sr]);
  if (usedDevices(ctx, vmRef, 'VBD').has(disk.device)) throw new XenApiError('DEVICE_ALREADY_EXISTS', [disk.device]);
  const vdi = createVdi(ctx, {
    name_label: disk.device,
    name_description: 'Created by template provisioner',
    SR: sr,
    virtual_size: disk.size,
    type: disk.type,
    sharable: false,
    read_only: false,
    other_config: {},
    sm_config: { vmhint: vmUuid },
  });
  ctx.store.create('VBD', {
    VM: vmRef,
    VDI: vdi,
    userdevice: disk.device,
    bootable: disk.bootable,
    mode: 'RW',
    type: 'Disk',
    unpluggable: disk.type !== 'system',
    empty: false,
    qos_algorithm_type: '',
    qos_algorithm_params: {},
    other_config: { owner: '' },
  });
}
