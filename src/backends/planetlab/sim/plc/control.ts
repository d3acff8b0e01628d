/**
 * Test-only PLC control methods, next to the API under `converge.sim.plc.*` (never API names;
 * not delayed, fault-injected or logged):
 *
 *   dump()                                  PlcDump: every row (deleted slices included), no secrets
 *   setSite(login_base, {max_slices?, enabled?})   what an admin's UpdateSite would change
 *   setNodeWhitelist(hostname, [slice names])       a node's slice_ids_whitelist ([] clears it)
 */
import type { MethodHandler } from '../../../../xmlrpc/server.js';
import { isStruct, type XmlRpcValue } from '../../../../xmlrpc/value.js';
import { nodeView, personView, siteView, sliceTagView, type ViewRow } from './model/rows.js';
import type { PlcStore } from './model/store.js';
import type { SliceRow } from './model/types.js';

/** PlcDump is the whole PLC as the control surface shows it. */
export interface PlcDump {
  sites: ViewRow[];
  nodes: ViewRow[];
  persons: ViewRow[];
  slices: SliceRow[];
  sliceTags: ViewRow[];
  sessions: number;
}

/** dumpPlc copies the whole PLC for inspection (no secrets). */
export function dumpPlc(store: PlcStore): PlcDump {
  return {
    sites: store.state.sites.map((s) => siteView(store, s)),
    nodes: store.state.nodes.map((n) => nodeView(store, n)),
    persons: store.state.persons.map((p) => personView(store, p)),
    slices: store.state.slices.map((s) => ({ ...s, node_ids: [...s.node_ids], person_ids: [...s.person_ids] })),
    sliceTags: store.state.sliceTags.map((t) => sliceTagView(store, t)),
    sessions: store.state.sessions.length,
  };
}

/** plcControlHandlers serves the control methods above; each settles due polls first and saves after. */
export function plcControlHandlers(sim: { store: PlcStore }, settle: () => { done(): void }): Record<string, MethodHandler> {
  const withSettled = (run: (params: XmlRpcValue[]) => XmlRpcValue): MethodHandler => (params) => {
    const settled = settle();
    try {
      return run(params);
    } finally {
      settled.done();
    }
  };
  return {
    'converge.sim.plc.dump': withSettled(() => dumpPlc(sim.store) as unknown as XmlRpcValue),
    'converge.sim.plc.setSite': withSettled(([loginBase, patch]) => {
      const site = sim.store.site(String(loginBase));
      if (!site) throw new Error(`no site ${String(loginBase)}`);
      if (!isStruct(patch)) throw new Error('site patch must be a struct');
      if (patch.max_slices !== undefined) site.max_slices = Number(patch.max_slices);
      if (patch.enabled !== undefined) site.enabled = Boolean(patch.enabled);
      sim.store.markChanged();
      return true;
    }),
    'converge.sim.plc.setNodeWhitelist': withSettled(([hostname, names]) => {
      const node = sim.store.node(String(hostname));
      if (!node) throw new Error(`no node ${String(hostname)}`);
      const ids = (Array.isArray(names) ? names : []).map((name) => sim.store.state.slices.find((s) => !s.is_deleted && s.name === name)?.slice_id);
      node.slice_ids_whitelist = ids.filter((id): id is number => id !== undefined);
      sim.store.markChanged();
      return true;
    }),
  };
}
