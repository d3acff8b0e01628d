/**
 * PLC's faults (PLC/Faults.py, planetlab.md §A2) and its two non-fault failure paths.
 *
 * A PlcFault carries the base text; the method wrapper prefixes `"<caller>: <Method>: "` when it
 * leaves a method (§A1), except 100 which PLC raises before any method runs. Texts quoted in
 * §A/§C are exact; the others follow the upstream code as read (marked "reconstructed" where
 * the wording was not confirmed against a running PLC).
 */
import { XmlRpcFault } from '../../../../../xmlrpc/fault.js';

/** PlcFaultCode: the codes PLC uses (104, 105, 107 and 110 are not). */
export type PlcFaultCode = 100 | 101 | 102 | 103 | 106 | 108 | 109 | 111;

/** PlcFault is an expected PLC failure; `text` is without the caller/method prefix. */
export class PlcFault extends Error {
  readonly code: PlcFaultCode;
  readonly text: string;

  constructor(code: PlcFaultCode, text: string) {
    super(text);
    this.name = 'PlcFault';
    this.code = code;
    this.text = text;
  }

  /**
   * withPrefix is the fault as it leaves a method: `<caller>: <Method>: <text>` (caller may be
   * empty). A method called by another (UpdateSlice → AddPersonToSlice) is prefixed twice.
   */
  withPrefix(caller: string, method: string): PlcFault {
    return new PlcFault(this.code, `${caller}: ${method}: ${this.text}`);
  }

  toXmlRpc(): XmlRpcFault {
    return new XmlRpcFault(this.code, this.text);
  }
}

/**
 * PythonError is an uncaught non-PLC exception inside a method (a KeyError, an assertion).
 * PLC answers it with HTTP 500, and inside system.multicall with faultCode 1 and
 * `"<class 'KeyError'>:'name'"`.
 */
export class PythonError extends Error {
  readonly pyType: string;
  readonly detail: string;

  constructor(pyType: string, detail: string) {
    super(`${pyType}: ${detail}`);
    this.name = 'PythonError';
    this.pyType = pyType;
    this.detail = detail;
  }

  /** multicallString is how Python's dispatcher renders it: `<class 'T'>:detail`. */
  get multicallString(): string {
    return `<class '${this.pyType}'>:${this.detail}`;
  }
}

/** invalidMethod is 100 `Invalid method X`, raised before any method runs (no prefix). */
export const invalidMethod = (method: string): XmlRpcFault => new XmlRpcFault(100, `Invalid method ${method}`);

/** argumentCount is 101 `Expected N[-M] arguments, got K`. */
export function argumentCount(got: number, min: number, max: number): PlcFault {
  const expected = min === max ? `Expected ${min} arguments` : `Expected ${min}-${max} arguments`;
  return new PlcFault(101, `${expected}, got ${got}`);
}

/** invalidArgument: `Invalid argument: <extra>`, or `Invalid <name> value: <extra>` when a parameter is named. */
export function invalidArgument(extra: string, name?: string): PlcFault {
  return new PlcFault(102, name ? `Invalid ${name} value: ${extra}` : `Invalid argument: ${extra}`);
}

/** authFailure is 103 `Failed to authenticate call: <extra>`. */
export const authFailure = (extra: string): PlcFault => new PlcFault(103, `Failed to authenticate call: ${extra}`);

/** permissionDenied is 108 `Permission denied: <extra>`. */
export const permissionDenied = (extra: string): PlcFault => new PlcFault(108, `Permission denied: ${extra}`);

/** Texts PLC uses in several methods. */
export const NO_SUCH_SLICE = 'No such slice';
export const NOT_A_MEMBER = 'Not a member of the specified slice';
export const NOT_YOUR_SITE_SLICE = 'Specified slice not associated with any of your sites';
export const NOT_A_LOCAL_SLICE = 'Not a local slice';
