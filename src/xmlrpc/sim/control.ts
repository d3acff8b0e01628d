/**
 * The `converge.sim.*` control surface every simulator serves next to its API (DESIGN §6):
 *
 *   converge.sim.setLatency(ms [, method])     latency for all calls, or for one method
 *   converge.sim.injectFault(rule)             see fault-rules.ts; returns the installed count
 *   converge.sim.clearFaults()
 *   converge.sim.advanceClock(seconds)         move the virtual clock forward; returns now (s)
 *   converge.sim.now()                         virtual time, epoch seconds (double)
 *   converge.sim.callLog([sinceSeq])           entries after sinceSeq
 *   converge.sim.callCounts([sinceSeq])        {method: count}
 *   converge.sim.clearCallLog()
 *   converge.sim.setBacklog(limit [, penaltyMs])   hold connections beyond `limit` in service
 *                                              for penaltyMs (default 1000); 0 turns it off
 *   converge.sim.backlogStats()                {limit, penaltyMs, penalized}
 *
 * Control calls are never logged, delayed or fault-injected themselves.
 */
import type { SimKnobs } from './knobs.js';
import { parseFaultRule } from './fault-rules.js';
import type { XmlRpcValue } from '../value.js';

export const CONTROL_PREFIX = 'converge.sim.';

type ControlHandler = (params: XmlRpcValue[]) => XmlRpcValue;

export function controlHandlers(knobs: SimKnobs): Record<string, ControlHandler> {
  return {
    'converge.sim.setLatency': ([ms, method]) => {
      knobs.setLatency(Number(ms), typeof method === 'string' ? method : undefined);
      return true;
    },
    'converge.sim.injectFault': ([rule]) => {
      knobs.faults.add(parseFaultRule(rule));
      return knobs.faults.rules.length;
    },
    'converge.sim.clearFaults': () => {
      knobs.faults.clear();
      return true;
    },
    'converge.sim.advanceClock': ([seconds]) => {
      knobs.clock.advance(Number(seconds) * 1000);
      return knobs.clock.now() / 1000;
    },
    'converge.sim.now': () => knobs.clock.now() / 1000,
    'converge.sim.callLog': ([since]) =>
      knobs.log.since(Number(since ?? 0)).map((e) => ({ ...e, params: e.params })) as unknown as XmlRpcValue,
    'converge.sim.callCounts': ([since]) => knobs.log.countByMethod(Number(since ?? 0)),
    'converge.sim.clearCallLog': () => {
      knobs.log.clear();
      return true;
    },
    'converge.sim.setBacklog': ([limit, penaltyMs]) => {
      knobs.setBacklog(Number(limit), penaltyMs === undefined ? undefined : Number(penaltyMs));
      return true;
    },
    'converge.sim.backlogStats': () => ({ ...knobs.backlogStats() }),
  };
}
