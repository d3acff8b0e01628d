/** Backend manifest → BackendSpec with every default applied. */
import type { BackendSpec, FeddBackendSettings, PlanetLabSshSettings } from '../types.js';
import { millisecondsOf } from './checked-units.js';
import type { BackendManifestSpec } from './manifest-shapes.js';

/**
 * Per-type defaults that fit the real servers: IM's XML-RPC server (Python SimpleXMLRPCServer)
 * accepts 5 pending connections, and each overflowing one costs a TCP retransmit (~1 s); its
 * CreateInfrastructure answers only once every VM is launched (seconds for tens of VMs).
 * See docs/backends/im.md.
 */
const TYPE_DEFAULTS: Partial<Record<BackendSpec['type'], { connections: number; mutate: string }>> = {
  im: { connections: 4, mutate: '10m' },
  // A DETER swap-in (StartSegment) answers only when the segment is up: minutes on real testbeds.
  fedd: { connections: 8, mutate: '30m' },
};

/** convertBackendSpec applies the defaults documented in schemas/backend.schema.json. */
export function convertBackendSpec(spec: BackendManifestSpec): BackendSpec {
  const defaults = TYPE_DEFAULTS[spec.type];
  const callMs = millisecondsOf(spec.timeouts?.call, '60s');
  const tls: BackendSpec['tls'] = { insecureSkipVerify: spec.tls?.insecureSkipVerify ?? false };
  if (spec.tls?.caFile !== undefined) tls.caFile = spec.tls.caFile;
  return {
    type: spec.type,
    url: spec.url,
    ...(spec.credentials === undefined ? {} : { credentials: { ...spec.credentials } }),
    tls,
    limits: {
      concurrency: spec.limits?.concurrency ?? 8,
      connections: spec.limits?.connections ?? defaults?.connections ?? 8,
      callsPerSecond: spec.limits?.callsPerSecond ?? 0,
    },
    timeouts: {
      callMs,
      connectMs: millisecondsOf(spec.timeouts?.connect, '10s'),
      mutateMs: spec.timeouts?.mutate || defaults ? millisecondsOf(spec.timeouts?.mutate, defaults?.mutate ?? '60s') : callMs,
      settleMs: millisecondsOf(spec.timeouts?.settle, '15s'),
    },
    prune: spec.prune ?? false,
    options: spec.options ?? {},
    ...(spec.type === 'fedd' ? { fedd: convertFeddSettings(spec) } : {}),
    ...(spec.type === 'planetlab' && spec.ssh ? { ssh: convertSsh(spec.ssh) } : {}),
  };
}

/** convertFeddSettings: testbeds without a URL use spec.url; the store listens on loopback by default. */
function convertFeddSettings(spec: BackendManifestSpec): FeddBackendSettings {
  const testbeds = (spec.testbeds ?? []).map((t) => (typeof t === 'string' ? { name: t, url: spec.url } : { name: t.name, url: t.url ?? spec.url }));
  return {
    testbeds,
    ...(spec.identity ? { identity: { certificate: { ...spec.identity.certificate }, key: { ...spec.identity.key } } } : {}),
    exchange: { listen: spec.exchange?.listen ?? '127.0.0.1:0', ...(spec.exchange?.url ? { url: spec.exchange.url } : {}) },
  };
}

/** convertSsh copies a planetlab backend's node access (no defaults: the driver applies them). */
function convertSsh(ssh: PlanetLabSshSettings): PlanetLabSshSettings {
  return {
    ...ssh,
    ...(ssh.privateKey ? { privateKey: { ...ssh.privateKey } } : {}),
    ...(ssh.knownHosts ? { knownHosts: { ...ssh.knownHosts } } : {}),
  };
}
