/**
 * Checks inside one Infrastructure: network and system names are unique, every interface names a
 * declared network, every deploy entry names a declared system. Tolerant of bad shapes (the
 * schema reports those), so that these problems show up in the same run.
 */
import { formatFieldPath, type FieldPath } from '../field-path.js';
import { locate, report, type ManifestDocument } from '../manifest-document.js';
import { formatLocation, isRecord, valueAt } from '../raw-value.js';

/** checkInfrastructureMembers reports DUPLICATE_MEMBER, UNKNOWN_NETWORK and UNKNOWN_SYSTEM. */
export function checkInfrastructureMembers(document: ManifestDocument): void {
  const networks = declaredNames(document, 'networks', 'network');
  const systems = declaredNames(document, 'systems', 'system');
  if (networks) checkInterfaces(document, networks);
  if (systems) checkDeploy(document, systems);
}

/** declaredNames collects member names, reporting repeats; undefined when the list is malformed. */
function declaredNames(document: ManifestDocument, list: 'networks' | 'systems', noun: string): Set<string> | undefined {
  const items = valueAt(document.value, ['spec', list]) ?? [];
  if (!Array.isArray(items)) return undefined;
  const first = new Map<string, FieldPath>();
  items.forEach((item, i) => {
    const name = isRecord(item) ? item.name : undefined;
    if (typeof name !== 'string') return;
    const path = ['spec', list, i, 'name'];
    const earlier = first.get(name);
    if (earlier === undefined) {
      first.set(name, path);
      return;
    }
    const where = formatLocation(locate(document, earlier));
    const message = `${noun} ${JSON.stringify(name)} is declared twice in this Infrastructure (first at ${where})`;
    report(document, 'DUPLICATE_MEMBER', path, message);
  });
  return new Set(first.keys());
}

function checkInterfaces(document: ManifestDocument, networks: Set<string>): void {
  const systems = valueAt(document.value, ['spec', 'systems']);
  if (!Array.isArray(systems)) return;
  systems.forEach((system, i) => {
    const interfaces = isRecord(system) ? system.interfaces : undefined;
    if (!Array.isArray(interfaces)) return;
    interfaces.forEach((entry, j) => {
      const isShort = typeof entry === 'string';
      const network = isShort ? entry : isRecord(entry) ? entry.network : undefined;
      if (typeof network !== 'string' || networks.has(network)) return;
      const path: FieldPath = ['spec', 'systems', i, 'interfaces', j, ...(isShort ? [] : ['network'])];
      report(document, 'UNKNOWN_NETWORK', path,
        `${formatFieldPath(path)}: network ${JSON.stringify(network)} is not declared in spec.networks${declared(networks)}`);
    });
  });
}

function checkDeploy(document: ManifestDocument, systems: Set<string>): void {
  const deploy = valueAt(document.value, ['spec', 'deploy']);
  if (!isRecord(deploy)) return;
  for (const name of Object.keys(deploy)) {
    if (systems.has(name)) continue;
    const path = ['spec', 'deploy', name];
    report(document, 'UNKNOWN_SYSTEM', path,
      `${formatFieldPath(path)}: system ${JSON.stringify(name)} is not declared in spec.systems${declared(systems)}`,
      { anchor: 'key' });
  }
}

function declared(names: Set<string>): string {
  return names.size === 0 ? ' (none are declared)' : ` (declared: ${[...names].join(', ')})`;
}
