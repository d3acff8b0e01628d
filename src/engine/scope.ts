/**
 * A scope limits a converge pass to some resources (watch mode reconciles the keys it was asked
 * to look at). Keys are resource keys, `Kind/name`; an object belongs to the resource its key
 * starts with, duplicates included (`Infrastructure/web#duplicate-…` belongs to
 * `Infrastructure/web`). No scope means everything.
 */
import { resourceOf } from '../plan/plan-changes.js';

/** resourceKeyOf maps an object key to the resource key a scope names. */
export function resourceKeyOf(objectKey: string): string {
  const resource = resourceOf(objectKey);
  const hash = resource.indexOf('#');
  return hash < 0 ? resource : resource.slice(0, hash);
}

/** inScope is true when `scope` is absent or names the resource `objectKey` belongs to. */
export function inScope(scope: ReadonlySet<string> | undefined, objectKey: string): boolean {
  return scope === undefined || scope.has(resourceKeyOf(objectKey));
}
