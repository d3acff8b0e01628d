/**
 * seedFixture fills an empty store with a one-host pool as a fresh XenServer install looks
 * (xenapi.md §7.8): the master host (address 127.0.0.1) with its control domain, a local `ext`
 * SR (the pool's default SR), the "XenServer Tools" ISO SR with guest-tools.iso, eth0's PIF on
 * "Pool-wide network associated with eth0", and the seed templates. Uuids are SEED_UUIDS.
 */
import type { ObjectStore } from '../store/object-store.js';
import { seedTemplates, vmBase } from './templates.js';
import { seedSupporter } from './pool-hosts.js';
import { SEED_UUIDS as U } from './uuids.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const SOFTWARE_VERSION = {
  product_version: '8.4.0',
  product_version_text: '8.4',
  product_version_text_short: '8.4',
  platform_name: 'XCP',
  platform_version: '3.4.0',
  product_brand: 'XenServer',
  build_number: 'converge-sim',
  hostname: 'xenserver-sim',
  date: '2024-09-02',
  dbv: '2024.0902',
  xapi: '24.19',
  xapi_build: '24.19.2',
  xen: '4.17.4-4',
  linux: '4.19.0+1',
  xencenter_min: '2.21',
  xencenter_max: '2.21',
  network_backend: 'openvswitch',
  db_schema: '5.780',
};

/** seedFixture seeds the pool; `hosts` > 1 adds supporters (pool-hosts.ts) after the master. */
export function seedFixture(store: ObjectStore, now: number, hosts = 1): void {
  const metrics = store.create('host_metrics', { uuid: U.hostMetrics, memory_total: 64 * GiB, memory_free: 60 * GiB, live: true, last_updated: now });
  const host = store.create('host', {
    uuid: U.host,
    name_label: 'xenserver-sim',
    hostname: 'xenserver-sim',
    address: '127.0.0.1',
    enabled: true,
    API_version_major: 2,
    API_version_minor: 21,
    API_version_vendor: 'XenSource',
    software_version: SOFTWARE_VERSION,
    cpu_info: { cpu_count: '16', socket_count: '1', vendor: 'GenuineIntel', speed: '2600.000', modelname: 'Intel(R) Xeon(R) CPU E5-2650 v2' },
    capabilities: ['xen-3.0-x86_64', 'hvm-3.0-x86_32', 'hvm-3.0-x86_64'],
    supported_bootloaders: ['pygrub', 'eliloader'],
    sched_policy: 'credit',
    edition: 'xenserver-premium',
    metrics,
  });
  const { localSr } = seedStorage(store, host);
  store.create('pool', { uuid: U.pool, master: host, default_SR: localSr, suspend_image_SR: localSr, crash_dump_SR: localSr });
  seedNetwork(store, host);
  const dom0 = seedDom0(store, host, now);
  store.update('host', host, { control_domain: dom0, suspend_image_sr: localSr, crash_dump_sr: localSr });
  for (const template of seedTemplates(U.localSr)) {
    const vmMetrics = store.create('VM_metrics', { install_time: now, last_updated: now });
    store.create('VM', { ...template.fields, uuid: template.uuid, metrics: vmMetrics, memory_overhead: 9 * MiB });
  }
  for (let i = 2; i <= hosts; i++) seedSupporter(store, i, now);
}

function seedStorage(store: ObjectStore, host: string): { localSr: string } {
  const localSr = seedLocalSr(store, host);
  seedToolsSr(store, host);
  return { localSr };
}

function seedLocalSr(store: ObjectStore, host: string): string {
  const localSr = store.create('SR', {
    uuid: U.localSr,
    name_label: 'Local storage',
    type: 'ext',
    content_type: 'user',
    physical_size: 500 * GiB,
    other_config: { 'i18n-original-value-name_label': 'Local storage', 'i18n-key': 'local-storage' },
    sm_config: { devserial: 'scsi-sim-0' },
  });
  store.create('PBD', { uuid: U.localPbd, host, SR: localSr, device_config: { device: '/dev/sda3' }, currently_attached: true });
  return localSr;
}

function seedToolsSr(store: ObjectStore, host: string): void {
  const toolsSr = store.create('SR', {
    uuid: U.toolsSr,
    name_label: 'XenServer Tools',
    name_description: 'XenServer Tools ISOs',
    type: 'iso',
    content_type: 'iso',
    shared: true,
    is_tools_sr: true,
    physical_size: 0,
    other_config: { xenserver_tools_sr: 'true', 'i18n-key': 'xenserver-tools' },
  });
  store.create('PBD', {
    uuid: U.toolsPbd,
    host,
    SR: toolsSr,
    device_config: { location: '/opt/xensource/packages/iso', legacy_mode: 'true' },
    currently_attached: true,
  });
  store.create('VDI', {
    uuid: U.toolsIso,
    name_label: 'guest-tools.iso',
    name_description: 'XenServer Tools ISO',
    SR: toolsSr,
    virtual_size: 60 * MiB,
    physical_utilisation: 60 * MiB,
    type: 'user',
    sharable: true,
    read_only: true,
    is_tools_iso: true,
    location: 'guest-tools.iso',
    other_config: {},
  });
}

function seedNetwork(store: ObjectStore, host: string): void {
  const network = store.create('network', {
    uuid: U.network,
    name_label: 'Pool-wide network associated with eth0',
    bridge: 'xenbr0',
    MTU: 1500,
    other_config: {},
  });
  store.create('PIF', {
    uuid: U.pif,
    device: 'eth0',
    network,
    host,
    MAC: '02:16:3e:00:00:01',
    physical: true,
    currently_attached: true,
    management: true,
    ip_configuration_mode: 'DHCP',
    IP: '127.0.0.1',
    netmask: '255.0.0.0',
    primary_address_type: 'IPv4',
  });
}

/** seedDom0 creates a host's control domain (4 GiB, 8 VCPUs, running on it). */
export function seedDom0(store: ObjectStore, host: string, now: number, uuid: string = U.dom0, hostname = 'xenserver-sim'): string {
  const memory = 4 * GiB;
  const metrics = store.create('VM_metrics', { memory_actual: memory, VCPUs_number: 8, start_time: now, install_time: now, last_updated: now, current_domain_type: 'pv' });
  return store.create('VM', {
    ...vmBase(),
    uuid,
    name_label: `Control domain on host: ${hostname}`,
    name_description: 'The domain which manages physical devices and manages other domains',
    is_a_template: false,
    is_control_domain: true,
    power_state: 'Running',
    resident_on: host,
    domid: 0,
    memory_static_min: memory,
    memory_dynamic_min: memory,
    memory_dynamic_max: memory,
    memory_static_max: memory,
    memory_target: memory,
    VCPUs_max: 8,
    VCPUs_at_startup: 8,
    HVM_boot_policy: '',
    HVM_boot_params: {},
    platform: {},
    domain_type: 'pv',
    other_config: { is_system_domain: 'true' },
    metrics,
  });
}
