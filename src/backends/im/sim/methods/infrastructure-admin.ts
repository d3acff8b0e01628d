/**
 * Infrastructure-wide changes: StartInfrastructure / StopInfrastructure (every VM), and
 * ChangeInfrastructureAuth (append owners, or replace them with overwrite).
 */
import { checkAuthData } from '../auth.js';
import type { Owner } from '../model/types.js';
import { pyTruthy } from '../python.js';
import type { MethodSpec } from './envelope.js';
import { authorize, type MethodContext } from './context.js';

export function infrastructureAdminSpecs(ctx: MethodContext): MethodSpec[] {
  const power = (name: string, state: 'running' | 'stopped'): MethodSpec => ({
    name,
    params: ['inf_id', 'auth_data'],
    required: 2,
    run: ([infId, auth]) => {
      const inf = ctx.store.getInfrastructure(infId, authorize(ctx, auth));
      for (const vm of ctx.store.liveVms(inf)) vm.cloudState = state;
      ctx.store.touch(inf);
      return '';
    },
  });
  return [
    power('StartInfrastructure', 'running'),
    power('StopInfrastructure', 'stopped'),
    {
      name: 'ChangeInfrastructureAuth',
      params: ['inf_id', 'new_auth_data', 'overwrite', 'auth_data'],
      required: 4,
      run: ([infId, newAuth, overwrite, auth]) => {
        const caller = authorize(ctx, auth);
        const added = ctx.store.ownersOf(checkAuthData(newAuth, ctx.users));
        const inf = ctx.store.getInfrastructure(infId, caller);
        const kept = pyTruthy(overwrite) ? [] : inf.owners;
        const same = (a: Owner, b: Owner) => a.username === b.username && a.passwordDigest === b.passwordDigest && a.oidc === b.oidc;
        inf.owners = [...kept, ...added.filter((a) => !kept.some((k) => same(a, k)))];
        ctx.store.touch(inf);
        return '';
      },
    },
  ];
}
