/**
 * CreateInfrastructure and DestroyInfrastructure. A create takes time in proportion to its VMs
 * (model/changes.ts): the infrastructure is listed with its whole RADL at once, its VMs appear
 * one by one, and contextualization starts when the last one is launched. A synchronous create
 * answers then; an async one answers at once. Destroy is not idempotent, refuses while VMs are
 * being added (`Invalid State to perform this operation.`), and an async destroy shows
 * `deleting` for 1 s.
 */
import { addContMsg, contextualize } from '../contextualization.js';
import { launchVms, placeDeploys, vmCount } from '../launch.js';
import { beginChange, isAdding, planChange } from '../model/changes.js';
import type { InfraRecord } from '../model/types.js';
import { checkRadl } from '../radl/checks.js';
import { completeRadl, updateRadl } from '../radl/merge.js';
import { pyTruthy } from '../python.js';
import { emptyDocument } from '../radl/types.js';
import type { CallerAuth } from '../auth.js';
import { ReplyAt, type MethodSpec } from './envelope.js';
import { authorize, parseRequest, type Arg, type MethodContext } from './context.js';

const ASYNC_DESTROY_MS = 1_000;

export function createDestroySpecs(ctx: MethodContext): MethodSpec[] {
  return [
    {
      name: 'CreateInfrastructure',
      params: ['radl_data', 'auth_data', 'async_call'],
      required: 2,
      run: ([radl, auth, asyncCall]) => createInfrastructure(ctx, radl, auth, pyTruthy(asyncCall)),
    },
    {
      name: 'DestroyInfrastructure',
      params: ['inf_id', 'auth_data', 'force', 'async_call'],
      required: 2,
      run: ([infId, auth, , asyncCall]) => {
        const inf = ctx.store.getInfrastructure(infId, authorize(ctx, auth));
        const now = ctx.store.now();
        if (isAdding(inf, now)) throw new Error('Invalid State to perform this operation.');
        if (pyTruthy(asyncCall)) {
          inf.deletingFrom = now;
          inf.destroyedAt = now + ASYNC_DESTROY_MS;
        } else {
          inf.destroyedAt = now;
        }
        ctx.store.touch(inf);
        return '';
      },
    },
  ];
}

function createInfrastructure(ctx: MethodContext, radl: Arg, auth: Arg, asyncCall: boolean): string | ReplyAt {
  const caller = authorize(ctx, auth);
  const doc = parseRequest(radl);
  completeRadl(doc, emptyDocument());
  checkRadl(doc);
  const inf = newInfrastructure(ctx, caller);
  if (doc.deploys.length === 0) {
    updateRadl(inf.radl, doc);
    addContMsg(ctx.store, inf, 'Infrastructure without any deploy. Exiting.');
    inf.configured = [{ at: ctx.store.now(), value: false }];
    return register(ctx, inf);
  }
  let placements;
  try {
    placements = placeDeploys(doc, caller, inf.privateNetworks);
  } catch (error) {
    if (!asyncCall) throw error;
    updateRadl(inf.radl, doc);
    addContMsg(ctx.store, inf, (error as Error).message);
    inf.configured = [{ at: ctx.store.now(), value: false }];
    return register(ctx, inf);
  }
  const plan = planChange(ctx.settings, ctx.store.now(), vmCount(doc, placements));
  const vms = launchVms(inf, doc, placements, { firstId: 0, slot: plan.slot });
  updateRadl(inf.radl, doc);
  beginChange(inf, plan.startedAt, { method: 'CreateInfrastructure', doneAt: plan.doneAt, vmCountAtStart: 0, removing: [] });
  const id = register(ctx, inf);
  if (vms.length > 0) contextualize(ctx.store, inf, undefined, plan.doneAt);
  return asyncCall ? id : new ReplyAt(id, plan.doneAt);
}

function newInfrastructure(ctx: MethodContext, caller: CallerAuth): InfraRecord {
  return {
    id: ctx.store.newInfrastructureId(),
    owners: ctx.store.ownersOf(caller),
    createdAt: ctx.store.now(),
    savedSeq: 0,
    destroyedAt: null,
    deletingFrom: null,
    radl: emptyDocument(),
    privateNetworks: {},
    vms: [],
    configured: [],
    contMsg: [],
  };
}

function register(ctx: MethodContext, inf: InfraRecord): string {
  ctx.store.state.infrastructures.push(inf);
  ctx.store.touch(inf);
  return inf.id;
}
