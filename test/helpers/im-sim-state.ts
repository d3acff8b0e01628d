/**
 * Reading what an IM simulator holds, from its persistence file: the ground truth tests compare
 * converge's claims against.
 */
import { join } from 'node:path';
import { ImSimulator, type ImSimDump } from '../../src/backends/im/sim/index.js';

export function embeddedImState(manifestsDir: string, backend = 'im-local'): ImSimDump {
  return new ImSimulator({ persistPath: join(manifestsDir, '.converge', 'sim', `${backend}.im.json`) }).dump();
}

/** liveInfrastructures lists infrastructures not destroyed, with their marker key and live VMs. */
export function liveInfrastructures(dump: ImSimDump): Array<{ id: string; key: string | undefined; vms: ImSimDump['infrastructures'][number]['vms'] }> {
  return dump.infrastructures
    .filter((i) => !i.destroyed)
    .map((i) => ({ id: i.id, key: /converge\.key = '([^']*)'/.exec(i.radl)?.[1], vms: i.vms.filter((v) => !v.deleted) }));
}

export function vmCount(dump: ImSimDump, key: string, system?: string): number {
  const infra = liveInfrastructures(dump).find((i) => i.key === key);
  return infra ? infra.vms.filter((v) => system === undefined || v.system === system).length : -1;
}
