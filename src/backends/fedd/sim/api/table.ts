/**
 * The access controller's XML-RPC methods. Each call:
 * - takes the caller's identity from its client certificate (fedid of the certificate's key;
 *   none presented: anonymous, which no operation accepts);
 * - unwraps `<Op>RequestBody` and checks the body against the schema (any difference:
 *   `Badly Formed Request` naming it);
 * - runs the operation, then checks the response against the schema before wrapping it in
 *   `<Op>ResponseBody` (a difference is a simulator bug and answers `Internal Error`);
 * - records request and response (or fault) in the message log.
 * A thrown error that is not a fedd fault answers `Internal Error`.
 */
import { XmlRpcFault } from '../../../../xmlrpc/fault.js';
import type { CallContext, MethodHandler } from '../../../../xmlrpc/server.js';
import type { XmlRpcStruct, XmlRpcValue } from '../../../../xmlrpc/value.js';
import type { AccessController } from '../model/access-controller.js';
import { fedidHex, fedidOfCertificate } from '../pki/fedid.js';
import { checkShape } from '../wire/check-shape.js';
import { unwrapRequest, wrapResponse } from '../wire/envelope.js';
import { badRequest, internalError } from '../wire/fault-codes.js';
import { OPERATION_TYPES } from '../wire/schema.js';
import type { Operation } from './context.js';
import { infoSegment, operationSegment } from './info-operation.js';
import { requestAccess } from './request-access.js';
import { startSegment } from './start-segment.js';
import { releaseAccess, terminateSegment } from './terminate-release.js';

const OPERATIONS: Readonly<Record<string, Operation>> = {
  RequestAccess: requestAccess,
  StartSegment: startSegment,
  TerminateSegment: terminateSegment,
  ReleaseAccess: releaseAccess,
  InfoSegment: infoSegment,
  OperationSegment: operationSegment,
};

/** ACCESS_CONTROLLER_METHODS are the method names an access controller serves. */
export const ACCESS_CONTROLLER_METHODS: readonly string[] = Object.keys(OPERATIONS);

/** buildApiHandlers returns the XML-RPC handlers of one access controller. */
export function buildApiHandlers(ac: AccessController): Map<string, MethodHandler> {
  const handlers = new Map<string, MethodHandler>();
  for (const [op, run] of Object.entries(OPERATIONS)) {
    handlers.set(op, (params, call) => answer(ac, op, run, params, call));
  }
  return handlers;
}

async function answer(ac: AccessController, op: string, run: Operation, params: XmlRpcValue[], call: CallContext): Promise<XmlRpcValue> {
  const types = OPERATION_TYPES[op];
  if (!types) throw internalError(`no schema for ${op}`);
  const caller = call.peerCertificate ? fedidHex(fedidOfCertificate(call.peerCertificate)) : undefined;
  let body: XmlRpcStruct | undefined;
  try {
    body = unwrapRequest(op, params);
    const problems = checkShape(body, types.request, `${op}RequestBody`);
    if (problems.length > 0) throw badRequest(problems.join('; '));
    const response = await run({ ac, caller }, body);
    const wrong = checkShape(response, types.response, `${op}ResponseBody`);
    if (wrong.length > 0) throw internalError(`simulator bug, response does not conform: ${wrong.join('; ')}`);
    const wrapped = wrapResponse(op, response);
    ac.deps.record({ direction: 'in', op, request: { [`${op}RequestBody`]: body ?? params }, response: wrapped });
    return wrapped;
  } catch (error) {
    const fault = error instanceof XmlRpcFault ? error : internalError(String((error as Error).message ?? error));
    ac.deps.record({ direction: 'in', op, request: { [`${op}RequestBody`]: body ?? params }, fault: { code: fault.faultCode, text: fault.faultString } });
    throw fault;
  }
}
