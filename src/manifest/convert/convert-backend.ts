/** Backend manifest → BackendSpec with every default applied. */
import type { BackendSpec } from '../types.js';
import { millisecondsOf } from './checked-units.js';
import type { BackendManifestSpec } from './manifest-shapes.js';

/** convertBackendSpec applies the defaults documented in schemas/backend.schema.json. */
export function convertBackendSpec(spec: BackendManifestSpec): BackendSpec {
  const tls: BackendSpec['tls'] = { insecureSkipVerify: spec.tls?.insecureSkipVerify ?? false };
  if (spec.tls?.caFile !== undefined) tls.caFile = spec.tls.caFile;
  return {
    type: spec.type,
    url: spec.url,
    ...(spec.credentials === undefined ? {} : { credentials: { ...spec.credentials } }),
    tls,
    limits: {
      concurrency: spec.limits?.concurrency ?? 8,
      callsPerSecond: spec.limits?.callsPerSecond ?? 0,
    },
    timeouts: {
      callMs: millisecondsOf(spec.timeouts?.call, '60s'),
      connectMs: millisecondsOf(spec.timeouts?.connect, '10s'),
    },
    prune: spec.prune ?? false,
    options: spec.options ?? {},
  };
}
