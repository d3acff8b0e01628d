/**
 * recoverAllocations adopts allocations whose RequestAccess answered but never reached state
 * (the run died after the reply was journaled, or the action failed before state was written):
 * the journal's outcome names the allocation, so it is recorded for its experiment instead of
 * being leaked. The latest grant per testbed wins (converge asks for access on a testbed only
 * when the experiment holds no live allocation there); one released since is not adopted.
 */
import type { Intent } from '../../../state/types.js';
import type { RecoverContext, RecoveredIntent } from '../../driver.js';
import { isFedidHex } from '../wire/fedid.js';
import { idsOf, readExtra, toExtra } from './fedd-extra.js';

/** recoverAllocations returns one adoption per experiment that has unrecorded grants. */
export function recoverAllocations(intents: readonly Intent[], ctx: Pick<RecoverContext, 'records'>): RecoveredIntent[] {
  const released = new Set(intents.filter((i) => i.method === 'ReleaseAccess' && i.status === 'done').map((i) => String(i.context?.allocId)));
  const grants = intents.filter((i) => i.method === 'RequestAccess' && i.status === 'done' && isFedidHex(i.outcome?.allocId) && typeof i.outcome?.testbed === 'string');
  const results: RecoveredIntent[] = [];
  for (const key of new Set(grants.map((g) => g.key))) {
    const record = ctx.records.find((r) => r.key === key);
    const extra = readExtra(record);
    const adopted: string[] = [];
    let last: Intent | undefined;
    for (const grant of grants.filter((g) => g.key === key)) {
      const testbed = String(grant.outcome!.testbed);
      const allocId = String(grant.outcome!.allocId);
      if (extra.allocations[testbed] === allocId || released.has(allocId)) continue;
      extra.allocations[testbed] = allocId;
      adopted.push(`${testbed} fedid:${allocId}`);
      last = grant;
    }
    if (!last) continue;
    results.push({ intentId: last.id, key, note: `adopted allocation(s) granted before the run ended: ${adopted.join(', ')}`, ids: idsOf(extra.allocations), extra: toExtra(extra) });
  }
  return results;
}
