/**
 * buildMethodTable assembles every IM API method, each wrapped in IM's XML-RPC envelope; the
 * mutating ones first note whether they arrive while a change of their infrastructure runs.
 */
import type { MethodHandler } from '../../../../xmlrpc/server.js';
import { cloudSpecs } from './clouds.js';
import type { MethodContext } from './context.js';
import { createDestroySpecs } from './create-destroy.js';
import { envelope, type MethodSpec } from './envelope.js';
import { infrastructureAdminSpecs } from './infrastructure-admin.js';
import { MUTATING_METHODS } from '../model/overlaps.js';
import { infrastructureReadSpecs } from './infrastructure-read.js';
import { resourceSpecs } from './resources.js';
import { transferSpecs } from './transfer.js';
import { vmSpecs } from './vms.js';

export function buildMethodTable(ctx: MethodContext, afterCall: () => void): Map<string, MethodHandler> {
  const specs = [
    ...createDestroySpecs(ctx),
    ...infrastructureReadSpecs(ctx),
    ...infrastructureAdminSpecs(ctx),
    ...resourceSpecs(ctx),
    ...vmSpecs(ctx),
    ...transferSpecs(ctx),
    ...cloudSpecs(ctx),
  ];
  const noted = specs.map((spec) => (MUTATING_METHODS.has(spec.name) ? notingOverlaps(ctx, spec) : spec));
  return new Map(noted.map((spec) => [spec.name, envelope(spec, afterCall, ctx.store.clock)]));
}

function notingOverlaps(ctx: MethodContext, spec: MethodSpec): MethodSpec {
  return {
    ...spec,
    run: (args) => {
      const inf = typeof args[0] === 'string' ? ctx.store.record(args[0]) : undefined;
      if (inf && !ctx.store.isGone(inf)) ctx.overlaps.note(spec.name, inf, ctx.store.now());
      return spec.run(args);
    },
  };
}
