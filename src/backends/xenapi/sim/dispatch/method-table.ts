/** buildMethodTable assembles every API method: the implicit class messages, then the explicit ones (which win). */
import type { EventService } from '../events/event-service.js';
import { eventSpecs, sessionSpecs, taskSpecs } from '../methods/session-task-event.js';
import { networkSpecs } from '../methods/network.js';
import { storageSpecs } from '../methods/storage.js';
import { vifIpConfigurationSpecs } from '../methods/vif-ip-configuration.js';
import { vmLifecycleSpecs } from '../methods/vm-lifecycle.js';
import { vmSettingsSpecs } from '../methods/vm-settings.js';
import { CLASSES } from '../schema/index.js';
import type { SessionManager } from '../sessions/session-manager.js';
import type { SimContext } from './context.js';
import { implicitMessages } from './implicit.js';
import type { MethodSpec } from './method-spec.js';

export function buildMethodTable(ctx: SimContext, sessions: SessionManager, events: EventService): Map<string, MethodSpec> {
  const table = new Map<string, MethodSpec>();
  for (const spec of CLASSES) for (const method of implicitMessages(ctx, spec)) table.set(method.name, method);
  const explicit = [
    ...vmLifecycleSpecs(ctx),
    ...vmSettingsSpecs(ctx),
    ...storageSpecs(ctx),
    ...networkSpecs(ctx),
    ...vifIpConfigurationSpecs(ctx),
    ...sessionSpecs(sessions, events),
    ...taskSpecs(ctx),
    ...eventSpecs(ctx, events),
  ];
  for (const method of explicit) table.set(method.name, method);
  return table;
}
