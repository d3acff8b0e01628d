/**
 * settleImIntent decides when observation accounts for an IM call whose outcome is unknown (the
 * run died, or the reply was late or timed out). IM's CreateInfrastructure and AddResource answer
 * only once every VM is launched, and until then the infrastructure is listed with a partial VM
 * list (apis/im.md §g). So a create or an addition is accounted for only when the VMs it asked for
 * are all listed and IM has stopped changing the infrastructure; before that the key waits, and
 * nothing else is sent to it (a second change racing the first corrupts IM's VM list). After the
 * backend's mutate timeout the call cannot still be running on our account: it is settled as is.
 * Other calls, and creates whose infrastructure is not listed at all, follow the engine's rule.
 */
import type { Intent } from '../../state/types.js';
import type { IntentSettlement, ObservedObject, SettleContext } from '../driver.js';
import type { ImDetail } from './im-observe.js';

export function settleImIntent(intent: Intent, observed: readonly ObservedObject[], ctx: SettleContext, mutateMs: number): IntentSettlement | undefined {
  const live = observed[0];
  if (!live) return undefined;
  const detail = live.detail as ImDetail;
  const expected = expectedVms(intent, detail);
  if (expected === undefined) return undefined;
  const waited = ctx.now.getTime() - Date.parse(intent.startedAt);
  const done = expected.met && !live.status.changing;
  if (done) return { verdict: 'settled', note: `${intent.method} on ${detail.infId} finished: ${expected.progress}`, ids: { infId: detail.infId } };
  if (waited >= mutateMs) return { verdict: 'settled', note: `${intent.method} on ${detail.infId} did not finish within ${Math.round(mutateMs / 1000)}s (${expected.progress}); planning from what is live` };
  return { verdict: 'waiting', message: `${intent.method} is still running on the server (${expected.progress}); waiting before any other change` };
}

interface Expectation {
  met: boolean;
  progress: string;
}

function expectedVms(intent: Intent, detail: ImDetail): Expectation | undefined {
  const context = intent.context ?? {};
  switch (intent.method) {
    case 'CreateInfrastructure': {
      const want = Number(context.vms ?? 0);
      return { met: detail.listed >= want, progress: `${detail.listed} of ${want} VM(s) listed` };
    }
    case 'AddResource': {
      const system = String(context.system ?? '');
      const want = Number(context.before ?? 0) + Number(context.count ?? 0);
      const have = detail.vms.filter((v) => v.system === system).length + detail.unreadable.length;
      return { met: have >= want, progress: `${have} of ${want} ${system} VM(s) listed` };
    }
    case 'RemoveResource': {
      const victims = Array.isArray(context.vmIds) ? context.vmIds.map(Number) : [];
      const left = victims.filter((id) => detail.vms.some((v) => v.id === id) || detail.unreadable.includes(id));
      return { met: left.length === 0, progress: `${victims.length - left.length} of ${victims.length} VM(s) removed` };
    }
    default:
      return undefined;
  }
}
