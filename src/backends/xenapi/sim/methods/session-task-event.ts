/** session.*, task.* and event.* (xenapi.md §1 "Session", §3 task and event, §5). */
import type { SimContext } from '../dispatch/context.js';
import { argList, argNum, argStr, p, T, type MethodSpec } from '../dispatch/method-spec.js';
import type { EventService } from '../events/event-service.js';
import { TASK_STATUSES } from '../schema/task-session.js';
import type { Row } from '../schema/types.js';
import type { SessionManager } from '../sessions/session-manager.js';
import { operationNotAllowed } from '../wire/errors.js';

export function sessionSpecs(sessions: SessionManager, events: EventService): MethodSpec[] {
  const logout = (session: string): void => {
    events.forget(session);
    sessions.logout(session);
  };
  return [
    {
      name: 'session.login_with_password',
      session: false,
      params: [p('uname', T.string), p('pwd', T.string), p('version', T.string, '1.1'), p('originator', T.string, '')],
      run: (a) => sessions.login(argStr(a, 0), argStr(a, 1), argStr(a, 3)),
    },
    { name: 'session.logout', params: [], run: (_a, c) => logout(c.session) },
    { name: 'session.local_logout', params: [], run: (_a, c) => logout(c.session) },
    { name: 'session.get_all_subject_identifiers', params: [], run: () => [] },
  ];
}

export function taskSpecs(ctx: SimContext): MethodSpec[] {
  const TASK = T.ref('task');
  /** setField changes a task made by task.create; finishing it stamps `finished`. */
  const setField = (ref: string, patch: Partial<Row>): void => {
    if (String(ctx.store.require('task', ref).name_label).startsWith('Async.')) {
      throw operationNotAllowed('Only tasks created by task.create may be changed');
    }
    if (patch.status !== undefined && patch.status !== 'pending') Object.assign(patch, { finished: ctx.now(), allowed_operations: [] });
    ctx.store.update('task', ref, patch);
  };
  return [
    { name: 'task.create', params: [p('label', T.string), p('description', T.string)], run: (a, c) => ctx.tasks.createManual(argStr(a, 0), argStr(a, 1), c.session) },
    { name: 'task.cancel', params: [p('task', TASK)], async: true, run: (a) => ctx.tasks.cancel(argStr(a, 0)) },
    { name: 'task.destroy', params: [p('self', TASK)], run: (a) => ctx.tasks.destroy(argStr(a, 0)) },
    { name: 'task.set_status', params: [p('self', TASK), p('value', T.enumOf(TASK_STATUSES))], run: (a) => setField(argStr(a, 0), { status: argStr(a, 1) }) },
    { name: 'task.set_progress', params: [p('self', TASK), p('value', T.float)], run: (a) => setField(argStr(a, 0), { progress: argNum(a, 1) }) },
    { name: 'task.set_result', params: [p('self', TASK), p('value', T.string)], run: (a) => setField(argStr(a, 0), { result: argStr(a, 1) }) },
    { name: 'task.set_error_info', params: [p('self', TASK), p('value', T.strings)], run: (a) => setField(argStr(a, 0), { error_info: argList(a, 1) }) },
  ];
}

export function eventSpecs(ctx: SimContext, events: EventService): MethodSpec[] {
  return [
    {
      name: 'event.from',
      params: [p('classes', T.strings), p('token', T.string), p('timeout', T.float)],
      run: (a, c) => events.from(c.session, argList(a, 0), argStr(a, 1), argNum(a, 2), c.signal),
    },
    { name: 'event.inject', params: [p('class', T.string), p('ref', T.string)], run: (a) => events.inject(argStr(a, 0), argStr(a, 1)) },
    { name: 'event.get_current_id', params: [], run: () => String(ctx.store.events.generation) },
    { name: 'event.register', params: [p('classes', T.strings)], run: (a, c) => events.register(c.session, argList(a, 0)) },
    { name: 'event.unregister', params: [p('classes', T.strings)], run: (a, c) => events.unregister(c.session, argList(a, 0)) },
    { name: 'event.next', params: [], run: (_a, c) => events.next(c.session, c.signal) },
  ];
}
