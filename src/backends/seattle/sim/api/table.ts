/**
 * The Clearinghouse's XML-RPC methods, top-level names without a namespace. Each handler:
 * - answers a wrong number of arguments with 100 (Python's TypeError inside the server);
 * - answers any unexpected exception with 100 "Internal error while handling the xmlrpc request.";
 * - calls `afterCall` once it has run (the simulator saves there, before the reply is sent).
 */
import { XmlRpcFault } from '../../../../xmlrpc/fault.js';
import type { MethodHandler } from '../../../../xmlrpc/server.js';
import type { XmlRpcValue } from '../../../../xmlrpc/value.js';
import { acquireResources, acquireSpecificVessels } from './acquire.js';
import { getAccountInfo, getEncryptedApiKey, getPublicKey, getResourceInfo, regenerateApiKey, setPublicKey } from './account.js';
import type { ApiContext } from './context.js';
import { internalError } from './faults.js';
import { releaseResources, renewResources } from './release-renew.js';

type ApiMethod = (ctx: ApiContext, params: XmlRpcValue[]) => XmlRpcValue;

const API_METHODS: Record<string, { arity: number; run: ApiMethod }> = {
  acquire_resources: { arity: 2, run: acquireResources },
  acquire_specific_vessels: { arity: 2, run: acquireSpecificVessels },
  release_resources: { arity: 2, run: releaseResources },
  renew_resources: { arity: 2, run: renewResources },
  get_resource_info: { arity: 1, run: getResourceInfo },
  get_account_info: { arity: 1, run: getAccountInfo },
  get_public_key: { arity: 1, run: getPublicKey },
  get_encrypted_api_key: { arity: 1, run: getEncryptedApiKey },
  regenerate_api_key: { arity: 1, run: regenerateApiKey },
  set_public_key: { arity: 2, run: setPublicKey },
};

export const API_METHOD_NAMES: readonly string[] = Object.keys(API_METHODS);

export function buildApiHandlers(context: () => ApiContext, afterCall: () => void): Map<string, MethodHandler> {
  const handlers = new Map<string, MethodHandler>();
  for (const [name, { arity, run }] of Object.entries(API_METHODS)) {
    handlers.set(name, (params) => {
      try {
        if (params.length !== arity) throw internalError();
        return run(context(), params);
      } catch (error) {
        throw error instanceof XmlRpcFault ? error : internalError();
      } finally {
        afterCall();
      }
    });
  }
  return handlers;
}
