/**
 * The Dummy connector of IM (IM/connectors/Dummy.py) as far as clients can see it: every VM runs
 * at once with IP 10.0.0.1 and credentials username/password, its cloud id is the launch time
 * in centiseconds, alterVM copies cpu.count and memory.size, snapshots and images are fixed
 * mock0:// URLs, and quotas are always 1 of 10.
 */
import { randomInt } from 'node:crypto';
import type { XmlRpcStruct } from '../../../xmlrpc/value.js';
import { addFeature, getFeature, getValue, hasFeature, setValue } from './radl/feature-set.js';
import { featureValue } from './radl/units.js';
import { cloneDocument, type FeaturedAspect, type RadlDocument } from './radl/types.js';

export const DUMMY_IP = '10.0.0.1';

export const DUMMY_IMAGES: XmlRpcStruct[] = [
  { uri: 'mock0://linux.for.ev.er/image1', name: 'Image Name1' },
  { uri: 'mock0://linux.for.ev.er/image2', name: 'Image Name2' },
];

export function dummyQuotas(): XmlRpcStruct {
  const metric = (): XmlRpcStruct => ({ used: 1, limit: 10 });
  return { cores: metric(), ram: metric(), instances: metric(), floating_ips: metric(), security_groups: metric() };
}

export function snapshotUrl(imageName: string): string {
  return `mock0://linux.for.ev.er/${imageName}`;
}

/** dummyCloudId: the launch time in centiseconds (two VMs in the same 10 ms share it). */
export function dummyCloudId(nowMs: number): string {
  return String(Math.floor(nowMs / 10));
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomPassword(): string {
  let out = '';
  for (let i = 0; i < 8; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

/**
 * launchInfo builds a new VM's RADL as IM stores it: the launch document with only this system,
 * then the features IM and Dummy add, in their order (state, provider.type, the IP, the
 * credentials, a new random password, the default DNS name `vnode-<id>`).
 */
export function launchInfo(doc: RadlDocument, system: FeaturedAspect, imId: number): RadlDocument {
  const info = cloneDocument(doc);
  const own = cloneDocument(system);
  info.systems = [own];
  const set = own.set;
  setValue(set, 'state', 'pending');
  setValue(set, 'provider.type', 'Dummy');
  setValue(set, 'net_interface.0.ip', DUMMY_IP);
  if (!getValue(set, 'disk.0.os.credentials.username')) setValue(set, 'disk.0.os.credentials.username', 'username');
  setValue(set, 'disk.0.os.credentials.password', 'password');
  if (!getValue(set, 'disk.0.os.credentials.new.password')) setValue(set, 'disk.0.os.credentials.new.password', randomPassword());
  if (!hasFeature(set, 'net_interface.0.dns_name')) setValue(set, 'net_interface.0.dns_name', `vnode-${imId}`);
  return info;
}

/**
 * alterVm is DummyCloudConnector.alterVM: `cpu.count` is copied (closing an open interval, so
 * IM prints it twice) and `memory.size` becomes `= <MB>M`. Without memory.size it fails as IM's
 * Python does.
 */
export function alterVm(vmSystem: FeaturedAspect, requested: FeaturedAspect): void {
  const memory = getFeature(requested.set, 'memory.size');
  if (!memory) throw new Error("'NoneType' object has no attribute 'getValue'");
  const bytes = Number(featureValue(memory).value);
  const megabytes = Math.floor(bytes / 1e6);
  const cpu = getValue(requested.set, 'cpu.count');
  if (typeof cpu === 'number') setValue(vmSystem.set, 'cpu.count', cpu);
  else if (hasFeature(vmSystem.set, 'cpu.count')) throw new Error("'tuple' object has no attribute 'value'");
  const feature = { prop: 'memory.size', op: '=' as const, value: { kind: 'number' as const, num: megabytes, float: false }, unit: 'M', line: null };
  addFeature(vmSystem.set, feature, 'other');
}
