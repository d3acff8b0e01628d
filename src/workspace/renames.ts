/**
 * Renamed resources keep their live objects (`metadata.previousNames`, Terraform's `moved`).
 * Object keys start with their resource's `Kind/name`, and backends carry the key in converge's
 * marker (IM RADL description, XenAPI other_config, PlanetLab slice description) or state keeps
 * it (Seattle handles). A rename maps every key under `Kind/old` to `Kind/new`:
 * - state records are read under the new key (and written back so on the next write);
 * - objects observed or looked up under an old key are reported under the new key, so the plan
 *   sees the live object of the new name: an update or nothing, never destroy + create.
 * Markers on the backends keep the old key until the object is replaced, so an entry stays in
 * previousNames while objects made under that name may exist. A previous name that is the
 * current name of another resource of the kind is ignored (that resource owns its keys).
 */
import type { Driver, LookupResult, ObservedObject } from '../backends/driver.js';
import type { ManifestSet } from '../manifest/types.js';
import type { StateSnapshot, StateStore } from '../state/types.js';

/** Rename maps an object key to the key it has now (itself when not renamed). */
export type Rename = (key: string) => string;

/** renamesOf returns the manifests' rename, or undefined when no resource has previousNames. */
export function renamesOf(manifests: ManifestSet): Rename | undefined {
  const current = new Set(manifests.resources.map((r) => `${r.kind}/${r.metadata.name}`));
  const moves = new Map<string, string>();
  for (const r of manifests.resources) {
    if (r.kind === 'Backend') continue;
    for (const old of r.metadata.previousNames ?? []) {
      const from = `${r.kind}/${old}`;
      if (!current.has(from)) moves.set(from, `${r.kind}/${r.metadata.name}`);
    }
  }
  if (moves.size === 0) return undefined;
  return (key) => {
    const [kind, name] = key.split('/') as [string, string | undefined];
    const base = `${kind}/${(name ?? '').split('#')[0]}`;
    const to = moves.get(base);
    return to ? to + key.slice(base.length) : key;
  };
}

/** renameState moves records of old keys to their new keys (a record already there wins). */
export function renameState(state: StateSnapshot, rename: Rename): StateSnapshot {
  const objects: StateSnapshot['objects'] = {};
  for (const [key, record] of Object.entries(state.objects)) if (rename(key) === key) objects[key] = record;
  for (const [key, record] of Object.entries(state.objects)) {
    const to = rename(key);
    if (to !== key && !objects[to]) objects[to] = { ...record, key: to };
  }
  return { ...state, objects };
}

/** renamingStore reads the state with renamed keys; everything else is the store's own. */
export function renamingStore<S extends StateStore>(store: S, rename: Rename): S {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'read') return async () => renameState(await target.read(), rename);
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** renamingDriver reports observed and looked-up objects under their new keys. */
export function renamingDriver(driver: Driver, rename: Rename): Driver {
  const object = (o: ObservedObject): ObservedObject => ({ ...o, key: rename(o.key), ...(o.dependsOn ? { dependsOn: o.dependsOn.map(rename) } : {}) });
  const found = (r: LookupResult): LookupResult => (r.presence === 'present' ? { ...r, key: rename(r.key), objects: r.objects.map(object) } : { ...r, key: rename(r.key) });
  return new Proxy(driver, {
    get(target, prop) {
      if (prop === 'observe') return async (...a: Parameters<Driver['observe']>) => (await target.observe(...a)).map(object);
      if (prop === 'lookup') return async (...a: Parameters<Driver['lookup']>) => (await target.lookup(...a)).map(found);
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
