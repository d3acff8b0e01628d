/** Values the XML-RPC benchmark sends back: XenAPI VM records as xapi returns them. */
import type { XmlRpcStruct } from '../src/xmlrpc/value.js';

/** vmRecord is a XenAPI VM record as xapi returns it: ~80 fields, refs, maps, sets, sizes as strings. */
export function vmRecord(i: number): XmlRpcStruct {
  const uuid = `4a0fde9c-5709-4f66-9968-${String(i).padStart(12, '0')}`;
  const ref = (cls: string, k: number) => `OpaqueRef:${cls}-${String(i * 7 + k).padStart(8, '0')}-5709-4f66-9968-64fb6162bd97`;
  const record: XmlRpcStruct = {
    uuid, allowed_operations: ['changing_dynamic_range', 'hard_reboot', 'hard_shutdown', 'pause', 'clean_shutdown', 'snapshot'],
    current_operations: {}, name_label: `bench-node-${i}`, name_description: 'converge: bench/node', power_state: 'Running',
    user_version: '1', is_a_template: false, is_default_template: false, suspend_VDI: 'OpaqueRef:NULL', resident_on: ref('host', 0),
    scheduled_to_be_resident_on: 'OpaqueRef:NULL', affinity: ref('host', 0), memory_overhead: '2097152', memory_target: '33554432',
    memory_static_max: '33554432', memory_dynamic_max: '33554432', memory_dynamic_min: '33554432', memory_static_min: '33554432',
    VCPUs_params: {}, VCPUs_max: '1', VCPUs_at_startup: '1', actions_after_shutdown: 'destroy', actions_after_reboot: 'restart',
    actions_after_crash: 'restart', consoles: [ref('console', 1)], VIFs: [ref('VIF', 2)], VBDs: [ref('VBD', 3), ref('VBD', 4)],
    VUSBs: [], crash_dumps: [], VTPMs: [], PV_bootloader: '', PV_kernel: '', PV_ramdisk: '', PV_args: '', PV_bootloader_args: '',
    PV_legacy_args: '', HVM_boot_policy: 'BIOS order', HVM_boot_params: { order: 'cdn' }, HVM_shadow_multiplier: 1,
    platform: { timeoffset: '0', 'device-model': 'qemu-upstream-compat', nx: 'true', acpi: '1', apic: 'true', pae: 'true', viridian: 'true' },
    PCI_bus: '', other_config: { 'converge.owner': 'bench', 'converge.key': `bench/node/${i}`, base_template_name: 'Other install media', 'install-methods': 'cdrom,nfs,http,ftp' },
    domid: String(i + 1), domarch: '', last_boot_CPU_flags: { vendor: 'GenuineIntel', features: '1fcbfbff-f7fa3223-2d93fbff-00000023' },
    is_control_domain: false, metrics: ref('VM_metrics', 5), guest_metrics: ref('VM_guest_metrics', 6),
    last_booted_record: '', recommendations: '<restrictions><restriction field="memory-static-max" max="137438953472" /></restrictions>',
    xenstore_data: { 'vm-data': '' }, ha_always_run: false, ha_restart_priority: '', is_a_snapshot: false, snapshot_of: 'OpaqueRef:NULL',
    snapshots: [], snapshot_time: new Date(Date.UTC(1970, 0, 1)), transportable_snapshot_id: '', blobs: {}, tags: ['bench', 'converge'],
    blocked_operations: {}, snapshot_info: {}, snapshot_metadata: '', parent: 'OpaqueRef:NULL', children: [], bios_strings: {},
    protection_policy: 'OpaqueRef:NULL', is_snapshot_from_vmpp: false, snapshot_schedule: 'OpaqueRef:NULL', is_vmss_snapshot: false,
    appliance: 'OpaqueRef:NULL', start_delay: '0', shutdown_delay: '0', order: '0', VGPUs: [], attached_PCIs: [], suspend_SR: 'OpaqueRef:NULL',
    version: '0', generation_id: '', hardware_platform_version: '0', has_vendor_device: false, requires_reboot: false, reference_label: '',
    domain_type: 'hvm', NVRAM: {}, pending_guidances: [],
  };
  return record;
}

export const allRecords: XmlRpcStruct = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`OpaqueRef:vm-${i}`, vmRecord(i)]));
