/**
 * AddResource, RemoveResource and Reconfigure.
 * - AddResource resolves references against the stored RADL and checks the request on its own
 *   (so each request must carry its networks); a RADL error marks the whole infrastructure
 *   unconfigured and is logged in its cont msg. New VM ids come back as ints.
 * - RemoveResource takes `"3,4"`, an int or a list; any bad id fails the whole call first.
 * - Both take time in proportion to their VMs and answer when done; one that arrives while
 *   another change of the infrastructure runs corrupts it (model/changes.ts).
 * - Reconfigure replaces configures, merges contextualize and reruns contextualization.
 */
import { addContMsg, contextualize, setNow } from '../contextualization.js';
import { launchVms, placeDeploys, vmCount } from '../launch.js';
import { beginChange, corruptingChange, planChange, resurrectRemovals } from '../model/changes.js';
import type { InfraRecord } from '../model/types.js';
import { checkConfigure, checkRadl } from '../radl/checks.js';
import { addAspect, updateContextualize } from '../radl/document.js';
import { completeRadl, updateRadl } from '../radl/merge.js';
import { pyInt, pyTruthy } from '../python.js';
import { cloneDocument, type RadlDocument } from '../radl/types.js';
import { ReplyAt, type MethodSpec } from './envelope.js';
import { authorize, parseRequest, type Arg, type MethodContext } from './context.js';

export function resourceSpecs(ctx: MethodContext): MethodSpec[] {
  return [
    {
      name: 'AddResource',
      params: ['inf_id', 'radl_data', 'auth_data', 'context'],
      required: 3,
      run: ([infId, radl, auth, context]) => addResource(ctx, infId, radl, auth, context === undefined || pyTruthy(context)),
    },
    {
      name: 'RemoveResource',
      params: ['inf_id', 'vm_list', 'auth_data', 'context'],
      required: 3,
      run: ([infId, vmList, auth, context]) => removeResource(ctx, infId, vmList, auth, context === undefined || pyTruthy(context)),
    },
    {
      name: 'Reconfigure',
      params: ['inf_id', 'radl_data', 'auth_data', 'vm_list'],
      required: 3,
      run: ([infId, radl, auth, vmList]) => reconfigure(ctx, infId, radl, auth, vmList),
    },
  ];
}

function addResource(ctx: MethodContext, infId: Arg, radl: Arg, auth: Arg, context: boolean): number[] | ReplyAt {
  const caller = authorize(ctx, auth);
  const inf = ctx.store.getInfrastructure(infId, caller);
  if (ctx.store.isDeleting(inf)) throw new Error('Infrastructure deleted. Do not add resources.');
  const doc = checkedRequest(ctx, inf, radl);
  if (doc.deploys.length === 0) {
    updateRadl(inf.radl, doc);
    ctx.store.touch(inf);
    return [];
  }
  const placements = placeDeploys(doc, caller, inf.privateNetworks);
  const plan = planChange(ctx.settings, ctx.store.now(), vmCount(doc, placements));
  const collided = corruptingChange(ctx.settings, inf, plan.startedAt);
  const vmCountAtStart = inf.vms.length;
  const vms = launchVms(inf, doc, placements, { firstId: collided?.vmCountAtStart ?? vmCountAtStart, slot: plan.slot });
  if (collided) resurrectRemovals(inf, collided);
  updateRadl(inf.radl, doc);
  beginChange(inf, plan.startedAt, { method: 'AddResource', doneAt: plan.doneAt, vmCountAtStart, removing: [] });
  if (context && vms.length > 0) contextualize(ctx.store, inf, undefined, plan.doneAt);
  ctx.store.touch(inf);
  return new ReplyAt(vms.map((vm) => vm.imId), plan.doneAt);
}

/** checkedRequest parses, completes and checks a request; errors mark the infrastructure unconfigured. */
function checkedRequest(ctx: MethodContext, inf: InfraRecord, radl: Arg): RadlDocument {
  try {
    const doc = parseRequest(radl);
    completeRadl(doc, inf.radl);
    checkRadl(doc);
    return doc;
  } catch (error) {
    addContMsg(ctx.store, inf, `Error parsing RADL: ${(error as Error).message}`);
    inf.configured = setNow(inf.configured, ctx.store.now(), false);
    ctx.store.touch(inf);
    throw error;
  }
}

function removeResource(ctx: MethodContext, infId: Arg, vmList: Arg, auth: Arg, context: boolean): ReplyAt {
  const inf = ctx.store.getInfrastructure(infId, authorize(ctx, auth));
  let ids: Arg[];
  if (typeof vmList === 'string') ids = vmList.split(',');
  else if (typeof vmList === 'number') ids = [String(vmList)];
  else if (Array.isArray(vmList)) ids = vmList;
  else throw new Error('Incorrect parameter type to RemoveResource function: expected: str, int or list of str.');
  const vms = [...new Set(ids.map((id) => ctx.store.getVm(inf, id)))];
  const plan = planChange(ctx.settings, ctx.store.now(), vms.length);
  const collided = corruptingChange(ctx.settings, inf, plan.startedAt);
  vms.forEach((vm, k) => {
    vm.destroyed = true;
    vm.removedAt = plan.slot(k).launchedAt;
    if (collided) vm.ghost = true;
  });
  beginChange(inf, plan.startedAt, { method: 'RemoveResource', doneAt: plan.doneAt, vmCountAtStart: inf.vms.length, removing: vms.map((vm) => vm.imId) });
  if (context && vms.length > 0) contextualize(ctx.store, inf, undefined, plan.doneAt);
  ctx.store.touch(inf);
  return new ReplyAt(vms.length, plan.doneAt);
}

function reconfigure(ctx: MethodContext, infId: Arg, radl: Arg, auth: Arg, vmList: Arg): string {
  const inf = ctx.store.getInfrastructure(infId, authorize(ctx, auth));
  const doc = parseRequest(radl);
  for (const c of doc.configures) checkConfigure(c.recipes, c.line);
  for (const c of doc.configures) addAspect(inf.radl, { kind: 'configure', aspect: cloneDocument(c) }, 'replace');
  updateContextualize(inf.radl.contextualize, cloneDocument(doc.contextualize));
  const vmIds = Array.isArray(vmList) ? vmList.map(pyInt).filter((id): id is number => id !== undefined) : undefined;
  contextualize(ctx.store, inf, vmIds);
  ctx.store.touch(inf);
  return '';
}
