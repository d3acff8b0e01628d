/**
 * Test-only control methods (never XenAPI names), served next to the generic `converge.sim.*`
 * ones of src/xmlrpc/sim/control.ts:
 *
 *   converge.sim.xenapi.dump()                              {counts: {class: n}, classes: dump}
 *   converge.sim.xenapi.setHostIsSlave(masterAddress | '')  login answers HOST_IS_SLAVE [master]
 *   converge.sim.xenapi.failNextTask(method, errorDescription[])
 *   converge.sim.xenapi.expireSessions()                    every session becomes SESSION_INVALID
 *   converge.sim.xenapi.dropEvents()                        the next event.from / event.next: EVENTS_LOST
 *   converge.sim.xenapi.setTaskDuration(ms [, method])      virtual duration of Async tasks
 *   converge.sim.xenapi.setGuestAgent(enabled [, vmRef])    guest agent for all VMs, or one
 *   converge.sim.xenapi.setGuestStaticIp(enabled [, vmRef]) agents advertise feature-static-ip-setting
 */
import type { MethodHandler } from '../../../xmlrpc/server.js';
import type { XmlRpcValue } from '../../../xmlrpc/value.js';

export interface ControlTarget {
  dumpWithCounts(): XmlRpcValue;
  setHostIsSlave(masterAddress: string): void;
  failNextTask(method: string, errorDescription: string[]): void;
  expireSessions(): void;
  dropEvents(): void;
  setTaskDuration(ms: number, method?: string): void;
  setGuestAgent(enabled: boolean, vmRef?: string): void;
  setGuestStaticIp(enabled: boolean, vmRef?: string): void;
}

export const XENAPI_CONTROL_PREFIX = 'converge.sim.xenapi.';

export function xenapiControlHandlers(target: ControlTarget): Record<string, MethodHandler> {
  const ok = (action: () => void): XmlRpcValue => {
    action();
    return true;
  };
  return {
    'converge.sim.xenapi.dump': () => target.dumpWithCounts(),
    'converge.sim.xenapi.setHostIsSlave': ([address]) => ok(() => target.setHostIsSlave(String(address ?? ''))),
    'converge.sim.xenapi.failNextTask': ([method, description]) =>
      ok(() => target.failNextTask(String(method), Array.isArray(description) ? description.map(String) : [String(description)])),
    'converge.sim.xenapi.expireSessions': () => ok(() => target.expireSessions()),
    'converge.sim.xenapi.dropEvents': () => ok(() => target.dropEvents()),
    'converge.sim.xenapi.setTaskDuration': ([ms, method]) =>
      ok(() => target.setTaskDuration(Number(ms), typeof method === 'string' && method !== '' ? method : undefined)),
    'converge.sim.xenapi.setGuestAgent': ([enabled, vm]) =>
      ok(() => target.setGuestAgent(enabled === true, typeof vm === 'string' && vm !== '' ? vm : undefined)),
    'converge.sim.xenapi.setGuestStaticIp': ([enabled, vm]) =>
      ok(() => target.setGuestStaticIp(enabled === true, typeof vm === 'string' && vm !== '' ? vm : undefined)),
  };
}
