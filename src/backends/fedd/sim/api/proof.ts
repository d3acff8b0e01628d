/**
 * The `proof` fedd puts in its responses (proofType, mandatory in most of them). In fedd 3 it is
 * an ABAC proof that the principal holds the attribute at the prover. This simulator has no ABAC
 * engine: it names the access controller as prover, the caller as principal (both as key ids,
 * lowercase hex) and the `access` attribute, and sends no credentials (credential is optional).
 */
import type { XmlRpcStruct } from '../../../../xmlrpc/value.js';
import type { OpContext } from './context.js';

/** proof builds the proof struct for a response to the caller. */
export function proof(ctx: OpContext): XmlRpcStruct {
  return { prover: ctx.ac.deps.serverFedid, principal: ctx.caller ?? '', attribute: 'access' };
}
