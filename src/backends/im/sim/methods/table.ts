/** buildMethodTable assembles every IM API method, each wrapped in IM's XML-RPC envelope. */
import type { MethodHandler } from '../../../../xmlrpc/server.js';
import { cloudSpecs } from './clouds.js';
import type { MethodContext } from './context.js';
import { createDestroySpecs } from './create-destroy.js';
import { envelope } from './envelope.js';
import { infrastructureAdminSpecs } from './infrastructure-admin.js';
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
  return new Map(specs.map((spec) => [spec.name, envelope(spec, afterCall)]));
}
