/**
 * Checks of federated placement (fedd backends), across documents since a system's testbed is
 * declared on its Backend: every system of an Infrastructure on a fedd backend names a declared
 * testbed, every network that spans testbeds says how its parts are joined (ssh or transit), and
 * services name declared testbeds. fedd-only Backend fields on other types are reported too.
 * Runs on every document of a known kind, valid or not, tolerant of bad shapes (the schema
 * reports those).
 */
import { formatFieldPath, type FieldPath } from '../field-path.js';
import { report, type ManifestDocument } from '../manifest-document.js';
import { isRecord, stringAt, valueAt } from '../raw-value.js';

const FEDD_BACKEND_FIELDS = ['testbeds', 'identity', 'exchange'] as const;

/** checkFeddPlacement reports UNKNOWN_TESTBED, MISSING_TESTBED, MISSING_CONNECTION and UNSUPPORTED_FIELD. */
export function checkFeddPlacement(documents: readonly ManifestDocument[]): void {
  const testbedsByBackend = new Map<string, Set<string>>();
  for (const document of documents.filter((d) => d.kind === 'Backend' && d.checkable)) {
    const name = stringAt(document.value, ['metadata', 'name']);
    if (stringAt(document.value, ['spec', 'type']) === 'fedd') {
      if (name !== undefined && !testbedsByBackend.has(name)) testbedsByBackend.set(name, declaredTestbeds(document));
      continue;
    }
    for (const field of FEDD_BACKEND_FIELDS) {
      if (valueAt(document.value, ['spec', field]) !== undefined) {
        report(document, 'UNSUPPORTED_FIELD', ['spec', field], `spec.${field} is only for backends of type fedd`, { anchor: 'key' });
      }
    }
  }
  for (const document of documents.filter((d) => d.kind === 'Infrastructure' && d.checkable)) {
    const testbeds = testbedsByBackend.get(stringAt(document.value, ['spec', 'backend']) ?? '');
    if (testbeds) checkInfrastructure(document, testbeds);
  }
}

function declaredTestbeds(document: ManifestDocument): Set<string> {
  const list = valueAt(document.value, ['spec', 'testbeds']);
  const names = (Array.isArray(list) ? list : []).map((t) => (typeof t === 'string' ? t : isRecord(t) ? t.name : undefined));
  return new Set(names.filter((n): n is string => typeof n === 'string'));
}

function checkInfrastructure(document: ManifestDocument, testbeds: Set<string>): void {
  const placement = checkSystems(document, testbeds);
  checkNetworks(document, placement);
  checkServices(document, testbeds);
}

/** checkSystems checks each system's testbed and returns the testbed of each well-placed system. */
function checkSystems(document: ManifestDocument, testbeds: Set<string>): Map<string, string> {
  const placement = new Map<string, string>();
  const systems = valueAt(document.value, ['spec', 'systems']);
  if (!Array.isArray(systems)) return placement;
  systems.forEach((system, i) => {
    if (!isRecord(system)) return;
    const name = typeof system.name === 'string' ? system.name : `#${i}`;
    if (system.testbed === undefined) {
      report(document, 'MISSING_TESTBED', ['spec', 'systems', i, 'name'], `system ${JSON.stringify(name)} has no testbed: on a fedd backend every system is placed with testbed: <name>${declared(testbeds)}`);
    } else if (typeof system.testbed === 'string') {
      if (testbeds.has(system.testbed)) placement.set(name, system.testbed);
      else report(document, 'UNKNOWN_TESTBED', ['spec', 'systems', i, 'testbed'], `system ${JSON.stringify(name)}: testbed ${JSON.stringify(system.testbed)} is not declared by its Backend${declared(testbeds)}`);
    }
    for (const field of ['disks', 'configure'] as const) {
      if (system[field] === undefined) continue;
      const path: FieldPath = ['spec', 'systems', i, field];
      report(document, 'UNSUPPORTED_FIELD', path, `${formatFieldPath(path)} is ignored on fedd backends (DETER nodes come as the testbed's hardware type; use startup for boot-time setup)`, { anchor: 'key', severity: 'warning' });
    }
  });
  return placement;
}

/** checkNetworks: a network whose systems sit on several testbeds needs `connection: ssh | transit`. */
function checkNetworks(document: ManifestDocument, placement: Map<string, string>): void {
  const networks = valueAt(document.value, ['spec', 'networks']);
  if (!Array.isArray(networks)) return;
  const spans = networkSpans(document, placement);
  networks.forEach((network, j) => {
    if (!isRecord(network) || typeof network.name !== 'string' || network.connection !== undefined) return;
    const span = [...(spans.get(network.name) ?? [])].sort();
    if (span.length < 2) return;
    report(document, 'MISSING_CONNECTION', ['spec', 'networks', j, 'name'],
      `network ${JSON.stringify(network.name)} spans testbeds ${span.join(', ')}: say how its parts are joined with connection: ssh or connection: transit`);
  });
}

function networkSpans(document: ManifestDocument, placement: Map<string, string>): Map<string, Set<string>> {
  const spans = new Map<string, Set<string>>();
  const systems = valueAt(document.value, ['spec', 'systems']);
  for (const system of Array.isArray(systems) ? systems : []) {
    const testbed = isRecord(system) && typeof system.name === 'string' ? placement.get(system.name) : undefined;
    const interfaces = isRecord(system) && Array.isArray(system.interfaces) ? system.interfaces : [];
    if (testbed === undefined) continue;
    for (const entry of interfaces) {
      const network = typeof entry === 'string' ? entry : isRecord(entry) ? entry.network : undefined;
      if (typeof network === 'string') spans.set(network, (spans.get(network) ?? new Set()).add(testbed));
    }
  }
  return spans;
}

function checkServices(document: ManifestDocument, testbeds: Set<string>): void {
  const services = valueAt(document.value, ['spec', 'services']);
  if (!Array.isArray(services)) return;
  services.forEach((service, i) => {
    if (!isRecord(service)) return;
    const named: Array<[FieldPath, unknown]> = [[['spec', 'services', i, 'exporter'], service.exporter]];
    if (Array.isArray(service.importers)) service.importers.forEach((t, k) => named.push([['spec', 'services', i, 'importers', k], t]));
    for (const [path, testbed] of named) {
      if (typeof testbed === 'string' && !testbeds.has(testbed)) {
        report(document, 'UNKNOWN_TESTBED', path, `${formatFieldPath(path)}: testbed ${JSON.stringify(testbed)} is not declared by the Backend${declared(testbeds)}`);
      }
    }
  });
}

function declared(testbeds: Set<string>): string {
  return testbeds.size === 0 ? ' (it declares none)' : ` (declared: ${[...testbeds].join(', ')})`;
}
