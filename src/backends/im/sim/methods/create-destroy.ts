/**
 * CreateInfrastructure and DestroyInfrastructure. A synchronous create answers once the VMs run
 * and contextualization has started; an async one answers at once and its VMs appear 1 s later
 * (until then the infrastructure is `pending` with no VMs). Destroy is not idempotent; an async
 * destroy shows `deleting` for 1 s.
 */
import { addContMsg, contextualize } from '../contextualization.js';
import { launchVms, placeDeploys } from '../launch.js';
import type { InfraRecord } from '../model/types.js';
import { checkRadl } from '../radl/checks.js';
import { completeRadl, updateRadl } from '../radl/merge.js';
import { pyTruthy } from '../python.js';
import { emptyDocument } from '../radl/types.js';
import type { CallerAuth } from '../auth.js';
import type { MethodSpec } from './envelope.js';
import { authorize, parseRequest, type Arg, type MethodContext } from './context.js';

const ASYNC_LAUNCH_MS = 1_000;
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

function createInfrastructure(ctx: MethodContext, radl: Arg, auth: Arg, asyncCall: boolean): string {
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
  const launchedAt = ctx.store.now() + (asyncCall ? ASYNC_LAUNCH_MS : 0);
  const vms = launchVms(inf, doc, placements, launchedAt);
  updateRadl(inf.radl, doc);
  const id = register(ctx, inf);
  if (vms.length > 0) contextualize(ctx.store, inf, undefined, launchedAt);
  return id;
}

function newInfrastructure(ctx: MethodContext, caller: CallerAuth): InfraRecord {
  return {
    id: ctx.store.newInfrastructureId(),
    owners: caller.identities,
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
