/**
 * The Node Manager's faults (api.py _dispatch, planetlab.md §B3 and §C):
 *   100 `Invalid API method X.  Valid choices are A, B, …`
 *   101 `Invalid argument count: got N, expecting M.`
 *   102 `Invalid argument: the first argument must be a sliver name.`
 *   104 `Error in call: <str(exception)>`, for every exception a method raises, faults included:
 *       a bad Ticket is `Error in call: <Fault 102: "Ticket error: …">` (§C)
 *   108 `<caller>: Permission denied.`
 *     1 `<class 'TypeError'>:…`, for exceptions SimpleXMLRPCServer catches before the dispatch
 */
import { reprString } from '../python.js';

/** NmFault is a fault the NM raises itself (also inside a method, where it is then wrapped in 104). */
export class NmFault extends Error {
  readonly code: number;
  readonly text: string;

  constructor(code: number, text: string) {
    super(text);
    this.name = 'NmFault';
    this.code = code;
    this.text = text;
  }

  /** pyStr is str() of an xmlrpc.client.Fault: its repr. */
  get pyStr(): string {
    return `<Fault ${this.code}: ${reprString(this.text)}>`;
  }
}

/** PyError is a Python exception raised inside a method; `pyStr` is what str(err) prints. */
export class PyError extends Error {
  readonly pyStr: string;

  constructor(pyStr: string) {
    super(pyStr);
    this.name = 'PyError';
    this.pyStr = pyStr;
  }
}

/** errorInCall wraps whatever a method raised into the dispatcher's 104. */
export function errorInCall(error: unknown): NmFault {
  const text = error instanceof NmFault || error instanceof PyError ? error.pyStr : String((error as Error)?.message ?? error);
  return new NmFault(104, `Error in call: ${text}`);
}

/** noneNotSubscriptable is what Python says when a record or a ticket is None. */
export const noneNotSubscriptable = (): PyError => new PyError("'NoneType' object is not subscriptable");
