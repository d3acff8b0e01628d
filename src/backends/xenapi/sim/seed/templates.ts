/**
 * The seed templates (xenapi.md §7.8):
 * - "Debian Bookworm 12": a default template whose `disks` spec has `sr=""`, as shipped — a
 *   client must put an SR uuid in the spec (or provision fails with UUID_INVALID ["sr", ""]);
 * - "Debian Bookworm 12 (local storage)": a custom template whose spec names the local SR, so
 *   clone + provision works as is;
 * - "Other install media": a default template without a `disks` spec.
 * All three are HVM with 1 VCPU and 1 GiB (static_min 512 MiB).
 */
import type { Row } from '../schema/types.js';
import { NULL_REF } from '../wire/errors.js';
import { SEED_UUIDS } from './uuids.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export function provisionSpec(srUuid: string, sizeBytes = 10 * GiB): string {
  return `<provision><disk device="0" size="${sizeBytes}" sr="${srUuid}" bootable="true" type="system"/></provision>`;
}

/** vmBase is every field VM.create requires, with a halted HVM guest's values. */
export function vmBase(): Row {
  return {
    user_version: 1,
    is_a_template: true,
    affinity: NULL_REF,
    memory_static_min: 512 * MiB,
    memory_dynamic_min: GiB,
    memory_dynamic_max: GiB,
    memory_static_max: GiB,
    memory_target: GiB,
    VCPUs_params: {},
    VCPUs_max: 1,
    VCPUs_at_startup: 1,
    actions_after_shutdown: 'destroy',
    actions_after_reboot: 'restart',
    actions_after_crash: 'restart',
    PV_bootloader: '',
    PV_kernel: '',
    PV_ramdisk: '',
    PV_args: '',
    PV_bootloader_args: '',
    PV_legacy_args: '',
    HVM_boot_policy: 'BIOS order',
    HVM_boot_params: { order: 'cdn', firmware: 'bios' },
    platform: { 'device-model': 'qemu-upstream-compat', viridian: 'false', acpi: '1', apic: 'true', pae: 'true', nx: 'true', 'cores-per-socket': '1' },
    PCI_bus: '',
    other_config: {},
    recommendations: '<restrictions><restriction field="memory-static-max" max="1649267441664"/><restriction field="vcpus-max" max="32"/></restrictions>',
    domain_type: 'hvm',
    power_state: 'Halted',
  };
}

export interface TemplateSeed {
  uuid: string;
  fields: Row;
}

export function seedTemplates(localSrUuid: string): TemplateSeed[] {
  const linux = { 'install-methods': 'cdrom,nfs,http,ftp', linux_template: 'true' };
  return [
    {
      uuid: SEED_UUIDS.templateDebian,
      fields: {
        ...vmBase(),
        name_label: 'Debian Bookworm 12',
        name_description: 'To use this template from the CLI, install your VM using vm-install, then set other-config-install-repository to the path to your network repository, e.g. http://<server>/<path>',
        is_default_template: true,
        reference_label: 'debian-12',
        other_config: { ...linux, default_template: 'true', disks: provisionSpec('') },
      },
    },
    {
      uuid: SEED_UUIDS.templateDebianLocal,
      fields: {
        ...vmBase(),
        name_label: 'Debian Bookworm 12 (local storage)',
        name_description: 'Debian 12 with its 10 GiB system disk on Local storage',
        other_config: { ...linux, base_template_name: 'Debian Bookworm 12', disks: provisionSpec(localSrUuid) },
      },
    },
    {
      uuid: SEED_UUIDS.templateOther,
      fields: {
        ...vmBase(),
        name_label: 'Other install media',
        name_description: 'Template which allows VM installation from install media',
        is_default_template: true,
        reference_label: 'other-install-media',
        other_config: { default_template: 'true', 'install-methods': 'cdrom' },
      },
    },
  ];
}
