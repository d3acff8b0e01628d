/** task and session (xenapi.md §2, §5). Neither is persisted; sessions produce no events. */
import { defineClass } from './types.js';

export const TASK_STATUSES = ['pending', 'success', 'failure', 'cancelling', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const task = defineClass(
  'task',
  {
    uuid: ['R', 'string'],
    name_label: ['R', 'string'],
    name_description: ['R', 'string'],
    allowed_operations: ['R', 'set:string'],
    current_operations: ['R', 'map'],
    created: ['R', 'datetime'],
    finished: ['R', 'datetime'],
    status: ['R', `enum:${TASK_STATUSES.join('|')}`],
    resident_on: ['R', 'ref:host'],
    progress: ['R', 'float'],
    type: ['R', 'string', '<none/>'],
    result: ['R', 'string'],
    error_info: ['R', 'set:string'],
    other_config: ['RW', 'map'],
    subtask_of: ['R', 'ref:task'],
    subtasks: ['R', 'set:ref:task'],
    backtrace: ['R', 'string', '()'],
  },
  { persisted: false },
);

export const session = defineClass(
  'session',
  {
    uuid: ['R', 'string'],
    this_host: ['R', 'ref:host'],
    this_user: ['R', 'ref:user'],
    last_active: ['R', 'datetime'],
    pool: ['R', 'bool'],
    other_config: ['RW', 'map'],
    is_local_superuser: ['R', 'bool'],
    subject: ['R', 'ref:subject'],
    validation_time: ['R', 'datetime'],
    auth_user_sid: ['R', 'string'],
    auth_user_name: ['R', 'string'],
    rbac_permissions: ['R', 'set:string'],
    tasks: ['R', 'set:ref:task'],
    parent: ['R', 'ref:session'],
    originator: ['R', 'string'],
    client_certificate: ['R', 'bool'],
  },
  { persisted: false, events: false, listable: false },
);
