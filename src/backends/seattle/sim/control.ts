/**
 * Test-only control methods, served next to the API under `converge.sim.seattle.*` (never API
 * names; control calls are not delayed, fault-injected or logged):
 *
 *   dump()                                   SeattleSimDump
 *   setAvailability({lan?, wan?, nat?})      unacquired nodes per kind; returns dump().free
 *   setCredits(username, maxVessels)         total credits (e.g. donations went offline)
 *   setNode(handle, {active?, reachable?, ip?, port?})
 *                                            drift: node offline (vessel still held and counted),
 *                                            node manager refusing acquisition, address change
 *   deleteVessel(handle)                     a node state transition deleted the vessel record
 *   privateKey(username)                     seattlelib "d p q", for the get_encrypted_api_key flow
 */
import type { MethodHandler } from '../../../xmlrpc/server.js';
import { isStruct, type XmlRpcValue } from '../../../xmlrpc/value.js';
import type { NodePatch, SeattleSimulator } from './simulator.js';

export const SEATTLE_CONTROL_PREFIX = 'converge.sim.seattle.';

export function seattleControlHandlers(sim: SeattleSimulator): Map<string, MethodHandler> {
  const handlers: Record<string, (params: XmlRpcValue[]) => XmlRpcValue> = {
    dump: () => sim.dump() as unknown as XmlRpcValue,
    setAvailability: ([target]) => {
      const counts = struct(target, 'availability');
      sim.setAvailability({ lan: optionalNumber(counts.lan), wan: optionalNumber(counts.wan), nat: optionalNumber(counts.nat) });
      return sim.dump().free;
    },
    setCredits: ([username, maxVessels]) => {
      sim.setCredits(String(username), Number(maxVessels));
      return true;
    },
    setNode: ([handle, patch]) => {
      sim.setNode(String(handle), struct(patch, 'node patch') as NodePatch);
      return true;
    },
    deleteVessel: ([handle]) => {
      sim.deleteVessel(String(handle));
      return true;
    },
    privateKey: ([username]) => sim.privateKey(String(username)),
  };
  return new Map(Object.entries(handlers).map(([name, handler]) => [SEATTLE_CONTROL_PREFIX + name, handler]));
}

function struct(value: XmlRpcValue | undefined, what: string): Record<string, XmlRpcValue> {
  if (!isStruct(value)) throw new Error(`${what} must be a struct`);
  return value;
}

function optionalNumber(value: XmlRpcValue | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}
