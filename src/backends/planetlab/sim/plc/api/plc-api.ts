/**
 * PlcApi is the PLC method table and its top-level entry: `call` answers one XML-RPC call by
 * name, throwing an XmlRpcFault for a fault (100 for an unknown method, unprefixed) or a
 * PythonError for what PLC answers with HTTP 500. Each call reads the clock once.
 */
import type { XmlRpcValue } from '../../../../../xmlrpc/value.js';
import type { PlcStore } from '../model/store.js';
import { PlcFault, argumentCount, invalidMethod } from './faults.js';
import { runMethod, type PlcConfig, type PlcEnv, type PlcMethod } from './method.js';
import { typeCheck } from './param-check.js';
import { getKeys, getNodes, getPersons, getSites, getSlices, getSliceTags, getTagTypes } from './reads.js';
import { authCheck, deleteSession, getSession } from './sessions.js';
import { addSlice } from './slice-add.js';
import { addPersonToSlice, addSliceToNodes, deletePersonFromSlice, deleteSliceFromNodes } from './slice-links.js';
import { addSliceTag, deleteSliceTag, updateSliceTag } from './slice-tags.js';
import { deleteSlice, updateSlice } from './slice-update.js';
import { systemMethods, type SystemMethod } from './system.js';
import { addPersonKey, getSliceTicket } from './tickets-keys.js';

/** PLC_METHODS is every simulated PLC method; system.listMethods lists these and the system.* ones. */
export const PLC_METHODS: readonly PlcMethod[] = [
  authCheck,
  getSession,
  deleteSession,
  getSites,
  getNodes,
  getPersons,
  getTagTypes,
  getKeys,
  getSlices,
  getSliceTags,
  addSlice,
  updateSlice,
  deleteSlice,
  addSliceToNodes,
  deleteSliceFromNodes,
  addPersonToSlice,
  deletePersonFromSlice,
  addSliceTag,
  updateSliceTag,
  deleteSliceTag,
  getSliceTicket,
  addPersonKey,
];

/** PlcApi answers PLC calls by name against one store and configuration. */
export class PlcApi {
  readonly #methods = new Map(PLC_METHODS.map((m) => [m.name, m]));
  readonly #system: Map<string, SystemMethod>;
  readonly #store: PlcStore;
  readonly #config: PlcConfig;
  readonly #nowSeconds: () => number;

  constructor(store: PlcStore, config: PlcConfig, nowSeconds: () => number) {
    this.#store = store;
    this.#config = config;
    this.#nowSeconds = nowSeconds;
    this.#system = new Map(systemMethods(this.#methods, (name, params) => this.call(name, params)).map((m) => [m.name, m]));
  }

  /** has tells whether `name` is a method (API or system.*) this PLC serves. */
  has(name: string): boolean {
    return this.#methods.has(name) || this.#system.has(name);
  }

  call(name: string, params: XmlRpcValue[]): XmlRpcValue {
    try {
      const system = this.#system.get(name);
      if (system) return runSystem(system, params);
      const method = this.#methods.get(name);
      if (!method) throw invalidMethod(name);
      return runMethod(method, params, this.#env());
    } catch (error) {
      if (error instanceof PlcFault) throw error.toXmlRpc();
      throw error;
    }
  }

  #env(): PlcEnv {
    const env: PlcEnv = {
      store: this.#store,
      now: this.#nowSeconds(),
      config: this.#config,
      invoke: (name, args) => runMethod(this.#methods.get(name) as PlcMethod, args, env),
    };
    return env;
  }
}

function runSystem(method: SystemMethod, params: XmlRpcValue[]): XmlRpcValue {
  try {
    if (params.length !== method.accepts.length) throw argumentCount(params.length, method.accepts.length, method.accepts.length);
    method.accepts.forEach((decl, i) => typeCheck(decl.name, params[i], decl.spec));
    return method.run(params);
  } catch (error) {
    if (error instanceof PlcFault) throw error.withPrefix('', method.name);
    throw error;
  }
}
