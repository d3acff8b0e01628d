/**
 * Placing and launching the VMs of a completed, checked RADL document (the cloud-selection part
 * of InfrastructureManager.AddResource), with the Dummy connector:
 * 1. a connector is loaded for every cloud entry (anything but Dummy is unsupported);
 * 2. each deploy goes to its named cloud, or to the cloud its private networks already live on,
 *    or to the first cloud; a named cloud must be in the auth;
 * 3. no cloud at all is `No cloud provider available`.
 */
import { cloudList, requireSupported, type CallerAuth } from './auth.js';
import { dummyCloudId, launchInfo } from './dummy-connector.js';
import type { VmSlot } from './model/changes.js';
import type { CloudRef, InfraRecord, VmRecord } from './model/types.js';
import { getNetwork, getSystem } from './radl/document.js';
import { getValue } from './radl/feature-set.js';
import type { DeployAspect, RadlDocument } from './radl/types.js';

export interface Placement {
  deploy: DeployAspect;
  cloud: CloudRef;
}

/**
 * placeDeploys picks a cloud for every deploy that launches VMs, or throws IM's message.
 * `pinned` maps private networks to the cloud they already live on.
 */
export function placeDeploys(doc: RadlDocument, caller: CallerAuth, pinned: Readonly<Record<string, string>>): Placement[] {
  const clouds = cloudList(caller.entries);
  clouds.forEach(requireSupported);
  const active = doc.deploys.filter((d) => d.count.num > 0);
  const placements: Placement[] = [];
  for (const deploy of active) {
    const home = privateNetworks(doc, deploy.system).map((n) => pinned[n]).find((c) => c !== undefined);
    if (deploy.cloudId && home && deploy.cloudId !== home) {
      throw new Error(
        `Two deployments that have to be launched in the same cloud provider are asked to be deployed in different cloud providers: ${deploy.cloudId}, ${home}`,
      );
    }
    const wanted = deploy.cloudId ?? home;
    if (wanted && !clouds.some((c) => c.id === wanted)) throw new Error(`No auth data for cloud with ID: ${wanted}`);
    const cloud = wanted ? clouds.find((c) => c.id === wanted) : clouds[0];
    if (cloud) placements.push({ deploy, cloud });
  }
  if (active.length > 0 && clouds.length === 0) throw new Error('No cloud provider available');
  for (const { deploy } of placements) {
    if (deploy.count.float) throw new Error("'float' object cannot be interpreted as an integer");
  }
  return placements;
}

/** LaunchTiming: the id of the first new VM and the instants of the k-th (changes.ts). */
export interface LaunchTiming {
  firstId: number;
  slot(k: number): VmSlot;
}

/**
 * launchVms creates the VMs in deploy order, with ids from `timing.firstId` on (the end of the
 * list, unless an overlapping change numbers them from a stale count) and the instants of their
 * slots.
 */
export function launchVms(inf: InfraRecord, doc: RadlDocument, placements: Placement[], timing: LaunchTiming): VmRecord[] {
  const created: VmRecord[] = [];
  for (const { deploy, cloud } of placements) {
    const system = getSystem(doc, deploy.system);
    if (!system) continue;
    for (let i = 0; i < deploy.count.num; i++) {
      const imId = timing.firstId + created.length;
      const { listedAt, launchedAt } = timing.slot(created.length);
      const vm: VmRecord = {
        imId,
        cloudId: dummyCloudId(launchedAt),
        cloud,
        listedAt,
        launchedAt,
        destroyed: false,
        cloudState: 'running',
        failed: false,
        info: launchInfo(doc, system, imId),
        configured: [{ at: launchedAt, value: null }],
        contMsg: '',
      };
      inf.vms.push(vm);
      created.push(vm);
    }
    for (const net of privateNetworks(doc, deploy.system)) inf.privateNetworks[net] ??= cloud.id;
  }
  return created;
}

/** vmCount: how many VMs the placed deploys launch. */
export function vmCount(doc: RadlDocument, placements: readonly Placement[]): number {
  return placements.reduce((n, { deploy }) => n + (getSystem(doc, deploy.system) ? deploy.count.num : 0), 0);
}

/** privateNetworks: the networks with outbound != 'yes' that a system connects to. */
function privateNetworks(doc: RadlDocument, systemName: string): string[] {
  const system = getSystem(doc, systemName);
  const out: string[] = [];
  for (let i = 0; system; i++) {
    const connection = getValue(system.set, `net_interface.${i}.connection`);
    if (typeof connection !== 'string' || !connection) break;
    const network = getNetwork(doc, connection);
    if (network && getValue(network.set, 'outbound') !== 'yes') out.push(connection);
  }
  return out;
}
