/**
 * seedSupporter adds pool member number `n` (2, 3, …) to the seed pool, as a host joined to a
 * pool looks (xenapi.md §2, §7.8): the same hardware and memory as the master (64 GiB, 4 GiB of
 * it its control domain's), its own local `ext` SR, a plugged PBD of the shared tools SR, and
 * its eth0 PIF on the pool-wide network. Its uuids come from the store's id source (seeded with
 * `idSeed`). VMs whose disks live on one host's local SR can start only there (placement.ts).
 */
import type { ObjectStore } from '../store/object-store.js';
import { seedDom0, SOFTWARE_VERSION } from './fixture.js';
import { SEED_UUIDS as U } from './uuids.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export function seedSupporter(store: ObjectStore, n: number, now: number): string {
  const name = `xenserver-sim-${n}`;
  const master = store.require('host', String(store.require('pool', store.refs('pool')[0] ?? '').master));
  const metrics = store.create('host_metrics', { memory_total: 64 * GiB, memory_free: 60 * GiB, live: true, last_updated: now });
  const host = store.create('host', {
    name_label: name,
    hostname: name,
    address: `127.0.${Math.floor(n / 250)}.${(n % 250) + 1}`,
    enabled: true,
    API_version_major: 2,
    API_version_minor: 21,
    API_version_vendor: 'XenSource',
    software_version: { ...SOFTWARE_VERSION, hostname: name },
    cpu_info: master.cpu_info,
    capabilities: master.capabilities,
    supported_bootloaders: master.supported_bootloaders,
    sched_policy: 'credit',
    edition: 'xenserver-premium',
    metrics,
  });
  const localSr = store.create('SR', { name_label: 'Local storage', type: 'ext', content_type: 'user', physical_size: 500 * GiB, sm_config: { devserial: `scsi-sim-${n}` } });
  store.create('PBD', { host, SR: localSr, device_config: { device: '/dev/sda3' }, currently_attached: true });
  const toolsSr = store.refByUuid('SR', U.toolsSr);
  if (toolsSr) store.create('PBD', { host, SR: toolsSr, device_config: { location: '/opt/xensource/packages/iso', legacy_mode: 'true' }, currently_attached: true });
  const network = store.refByUuid('network', U.network);
  if (network) store.create('PIF', { device: 'eth0', network, host, MAC: macOf(n), physical: true, currently_attached: true, management: true, ip_configuration_mode: 'DHCP' });
  const dom0 = seedDom0(store, host, now, store.ids.uuid(), name);
  store.update('host', host, { control_domain: dom0, suspend_image_sr: localSr, crash_dump_sr: localSr });
  return host;
}

function macOf(n: number): string {
  return `02:16:3e:00:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
}
