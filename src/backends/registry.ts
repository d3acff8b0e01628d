/**
 * openDriver is the one switch from a Backend resource to its driver (flux source-controller
 * style): it resolves `url: embedded` to an in-process simulator, reads the credential reference,
 * and constructs the driver of the backend's type. Drivers (and simulators, in embedded.ts) are
 * loaded on first use: a run pays only for the backend types its manifests name, which keeps
 * every CLI start short.
 */
import { ConvergeError } from '../errors/converge-error.js';
import type { BackendResource } from '../manifest/types.js';
import { readCredential } from '../manifest/credentials.js';
import type { EventSink } from '../engine/events.js';
import type { RunStats } from '../engine/run-stats.js';
import type { Driver } from './driver.js';
import type { DriverDeps } from './driver-deps.js';
import type { Secret } from '../errors/secret.js';
import { startEmbedded, startEmbeddedFedd } from './embedded.js';

export interface OpenDriverOptions {
  stateDir: string;
  stats: RunStats;
  sink: EventSink;
}

export async function openDriver(backend: BackendResource, options: OpenDriverOptions): Promise<Driver> {
  if (backend.spec.type === 'fedd') return openFedd(backend, options);
  const embedded = backend.spec.url === 'embedded' ? await startEmbedded(backend.spec.type, backend.metadata.name, options.stateDir) : undefined;
  try {
    const credentials = backend.spec.credentials ? await readCredential(backend.spec.credentials, backend.source.file) : undefined;
    const deps = { backend, url: embedded?.url ?? backend.spec.url, stats: options.stats, sink: options.sink, ...(embedded?.nodeShell ? { nodeShell: embedded.nodeShell } : {}) };
    const driver = await construct(backend, deps, credentials);
    return embedded ? withCleanup(driver, () => embedded.close()) : driver;
  } catch (error) {
    await embedded?.close();
    throw error;
  }
}

async function construct(backend: BackendResource, deps: DriverDeps, credentials: Secret | undefined): Promise<Driver> {
  switch (backend.spec.type) {
    case 'im':
      return new (await import('./im/im-driver.js')).ImDriver(deps, credentials);
    case 'xenapi':
      return new (await import('./xenapi/xen-driver.js')).XenDriver(deps, credentials);
    case 'seattle':
      return new (await import('./seattle/seattle-driver.js')).SeattleDriver(deps, credentials);
    case 'planetlab':
      return new (await import('./planetlab/planetlab-driver.js')).PlanetLabDriver(deps, credentials);
    default:
      throw new ConvergeError('INVALID', 'BACKEND_TYPE_UNSUPPORTED', `backend ${backend.metadata.name}: type ${backend.spec.type} is not implemented yet`);
  }
}

/** openFedd: a fedd backend has one access controller per testbed, some of them maybe embedded. */
async function openFedd(backend: BackendResource, options: OpenDriverOptions): Promise<Driver> {
  const embeddedNames = (backend.spec.fedd?.testbeds ?? []).filter((t) => t.url === 'embedded').map((t) => t.name);
  const embedded = embeddedNames.length > 0 ? await startEmbeddedFedd(backend.metadata.name, options.stateDir, embeddedNames) : undefined;
  try {
    const deps = { backend, url: backend.spec.url, stats: options.stats, sink: options.sink };
    const [{ FeddDriver }, { readFeddSetup }] = await Promise.all([import('./fedd/fedd-driver.js'), import('./fedd/fedd-setup.js')]);
    const driver = await FeddDriver.open(deps, await readFeddSetup(backend, embedded));
    return embedded ? withCleanup(driver, () => embedded.close()) : driver;
  } catch (error) {
    await embedded?.close();
    throw error;
  }
}

/**
 * withCleanup delegates to `driver` (every member, optional hooks included, bound to it) and runs
 * `cleanup` after the driver's own close.
 */
function withCleanup(driver: Driver, cleanup: () => Promise<void>): Driver {
  return new Proxy(driver, {
    get(target, property) {
      if (property === 'close') {
        return async () => {
          await target.close();
          await cleanup();
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
