/** Backend manifest → BackendSpec with every default applied. */
import type { BackendSpec } from '../types.js';
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
  };
}
