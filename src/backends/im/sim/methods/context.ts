/**
 * What every method group needs: the store, the optional user DB, the change knobs (timing and
 * corruption, read at each call), the overlap log, and argument readers.
 */
import type { XmlRpcValue } from '../../../../xmlrpc/value.js';
import { checkAuthData, type CallerAuth, type UserRecord } from '../auth.js';
import type { ChangeSettings } from '../model/changes.js';
import type { OverlapLog } from '../model/overlaps.js';
import type { ImStore } from '../model/store.js';
import { parseRadl } from '../radl/parser.js';
import { pyTypeName } from '../python.js';
import type { RadlDocument } from '../radl/types.js';

export interface MethodContext {
  store: ImStore;
  users?: readonly UserRecord[];
  settings: ChangeSettings;
  overlaps: OverlapLog;
}

export type Arg = XmlRpcValue | undefined;

export function authorize(ctx: MethodContext, auth: Arg): CallerAuth {
  return checkAuthData(auth, ctx.users);
}

/** parseRequest parses a RADL argument; only text is accepted over XML-RPC. */
export function parseRequest(value: Arg): RadlDocument {
  if (typeof value !== 'string') throw new Error(`'${pyTypeName(value)}' object has no attribute 'strip'`);
  return parseRadl(value);
}
