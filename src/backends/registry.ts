/**
 * openDriver is the one switch from a Backend resource to its driver (flux source-controller
 * style): it resolves `url: embedded` to an in-process simulator, reads the credential reference,
 * and constructs the driver of the backend's type.
 */
import { ConvergeError } from '../errors/converge-error.js';
import type { BackendResource } from '../manifest/types.js';
import { readCredential } from '../manifest/credentials.js';
import type { EventSink } from '../engine/events.js';
import type { RunStats } from '../engine/run-stats.js';
import type { Driver } from './driver.js';
import { startEmbedded, startEmbeddedFedd } from './embedded.js';
import { ImDriver } from './im/im-driver.js';
import { XenDriver } from './xenapi/xen-driver.js';
import { SeattleDriver } from './seattle/seattle-driver.js';
import { PlanetLabDriver } from './planetlab/planetlab-driver.js';
import { FeddDriver } from './fedd/fedd-driver.js';
import { readFeddSetup } from './fedd/fedd-setup.js';

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
    const driver = construct(backend, deps, credentials);
    return embedded ? withCleanup(driver, () => embedded.close()) : driver;
  } catch (error) {
    await embedded?.close();
    throw error;
  }
}

function construct(backend: BackendResource, deps: Parameters<typeof newIm>[0], credentials: Parameters<typeof newIm>[1]): Driver {
  switch (backend.spec.type) {
    case 'im':
      return newIm(deps, credentials);
    case 'xenapi':
      return new XenDriver(deps, credentials);
    case 'seattle':
      return new SeattleDriver(deps, credentials);
    case 'planetlab':
      return new PlanetLabDriver(deps, credentials);
    default:
      throw new ConvergeError('INVALID', 'BACKEND_TYPE_UNSUPPORTED', `backend ${backend.metadata.name}: type ${backend.spec.type} is not implemented yet`);
  }
}

function newIm(...args: ConstructorParameters<typeof ImDriver>): Driver {
  return new ImDriver(...args);
}

/** openFedd: a fedd backend has one access controller per testbed, some of them maybe embedded. */
async function openFedd(backend: BackendResource, options: OpenDriverOptions): Promise<Driver> {
  const embeddedNames = (backend.spec.fedd?.testbeds ?? []).filter((t) => t.url === 'embedded').map((t) => t.name);
  const embedded = embeddedNames.length > 0 ? await startEmbeddedFedd(backend.metadata.name, options.stateDir, embeddedNames) : undefined;
  try {
    const deps = { backend, url: backend.spec.url, stats: options.stats, sink: options.sink };
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
