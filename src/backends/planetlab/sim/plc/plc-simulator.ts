/**
 * PlcSimulator serves the PLC API (planetlab.md §A) plus the test-only `converge.sim.plc.*`
 * control methods. Each API call first lets the nodes settle their due polls (so a poll always
 * sees PLC as it was when it fell due), then runs, then saves. An exception PLC does not turn
 * into a fault (AddSlice without a name) is answered with HTTP 500, as PLC's server does.
 */
import { HttpReplyError, type MethodHandler } from '../../../../xmlrpc/server.js';
import type { SimKnobs } from '../../../../xmlrpc/sim/knobs.js';
import type { XmlRpcValue } from '../../../../xmlrpc/value.js';
import { PythonError } from './api/faults.js';
import type { PlcConfig } from './api/method.js';
import { PlcApi } from './api/plc-api.js';
import { plcControlHandlers } from './control.js';
import type { PlcStore } from './model/store.js';

/** PlcSimulatorOptions wire the PLC into its PlanetLab (store, hooks that settle polls and save). */
export interface PlcSimulatorOptions {
  store: PlcStore;
  config: PlcConfig;
  knobs: SimKnobs;
  beforeCall(): void;
  afterCall(): void;
  /** extraControls are control methods of the whole instance, served on the PLC endpoint too. */
  extraControls?: Record<string, MethodHandler>;
}

/** INTERNAL_ERROR_PAGE is the body of PLC's HTTP 500 (Apache's page). */
const INTERNAL_ERROR_PAGE =
  '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>500 Internal Server Error</title>\n</head><body>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error or\nmisconfiguration and was unable to complete\nyour request.</p>\n</body></html>\n';

/** PlcSimulator answers PLC calls; all state lives in its store. */
export class PlcSimulator {
  readonly knobs: SimKnobs;
  readonly store: PlcStore;
  readonly #api: PlcApi;
  readonly #options: PlcSimulatorOptions;
  readonly #controls: Record<string, MethodHandler>;

  constructor(options: PlcSimulatorOptions) {
    this.#options = options;
    this.knobs = options.knobs;
    this.store = options.store;
    this.#api = new PlcApi(options.store, options.config, () => Math.floor(this.knobs.clock.now() / 1000));
    this.#controls = { ...plcControlHandlers(this, () => this.#settle()), ...(options.extraControls ?? {}) };
  }

  /** dispatch returns the handler of a PLC method or control method; unknown names get 100 from the server. */
  dispatch(method: string): MethodHandler | undefined {
    if (method.startsWith('converge.sim.')) return this.#controls[method];
    if (!this.#api.has(method)) return undefined;
    return (params) => this.call(method, params);
  }

  /** call answers one PLC call; faults are thrown as XmlRpcFault, HTTP 500 cases as HttpReplyError. */
  call(method: string, params: XmlRpcValue[]): XmlRpcValue {
    this.#options.beforeCall();
    try {
      return this.#api.call(method, params);
    } catch (error) {
      if (error instanceof PythonError) throw new HttpReplyError({ status: 500, contentType: 'text/html; charset=iso-8859-1', body: INTERNAL_ERROR_PAGE });
      throw error;
    } finally {
      this.#options.afterCall();
    }
  }

  /** #settle lets control methods see (and change) the state after the due polls, then saves. */
  #settle(): { done(): void } {
    this.#options.beforeCall();
    return { done: () => this.#options.afterCall() };
  }
}
