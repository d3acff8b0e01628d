/**
 * Shards divide a workspace's resources among `converge watch --sharded` replicas: a fixed
 * number of them, each resource in exactly one, chosen by a stable hash of its resource key
 * (`Kind/name`). Every object key and journal intent belongs to the shard of its resource, so
 * the objects of one resource never straddle two replicas. The hash is sha256 (not a language
 * runtime's string hash), so every converge version and host agrees on it.
 */
import { createHash } from 'node:crypto';

/** SHARD_COUNT is the fixed number of shards of every workspace. */
export const SHARD_COUNT = 64;

/** shardOfResource is the shard of resource key `Kind/name`: the first 32 bits of its sha256, mod SHARD_COUNT. */
export function shardOfResource(resourceKey: string): number {
  return createHash('sha256').update(resourceKey, 'utf8').digest().readUInt32BE(0) % SHARD_COUNT;
}

/** shardOfKey is the shard of an object key (or a resource key, or a journal intent's key). */
export function shardOfKey(key: string): number {
  return shardOfResource(resourceOfKey(key));
}

/**
 * resourceOfKey is the engine's resourceKeyOf (src/engine/scope.ts), restated here so that the
 * state module stands alone: the first two segments, without a `#duplicate-…` suffix. A test
 * checks that both agree.
 */
export function resourceOfKey(key: string): string {
  const resource = key.split('/').slice(0, 2).join('/');
  const hash = resource.indexOf('#');
  return hash < 0 ? resource : resource.slice(0, hash);
}

/** isDriverKey: journal keys like `recover/xen` name a driver's own repair, not a resource. */
export function isDriverKey(key: string): boolean {
  return key.startsWith('recover/');
}
