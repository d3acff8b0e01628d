/**
 * Services granted by RequestAccess (fedd.md §1.4, FeddPluginCalls): the meta-service
 * `project_export` expands into the concrete `SMB` and `userconf` exports, both keeping the
 * request's id, visibility and attributes; every other service is granted as asked.
 */
import type { XmlRpcStruct } from '../../../../xmlrpc/value.js';
import { structs } from './topology.js';
import type { ServiceRecord } from './types.js';

/** META_SERVICES maps a meta-service to the concrete services it stands for. */
export const META_SERVICES: Readonly<Record<string, readonly string[]>> = {
  project_export: ['SMB', 'userconf'],
};

/** readService turns a schema-checked serviceInfo into a record. */
export function readService(info: XmlRpcStruct): ServiceRecord {
  return {
    ...(info.id !== undefined ? { id: String(info.id) } : {}),
    name: String(info.name),
    ...(info.server !== undefined ? { server: String(info.server) } : {}),
    visibility: String(info.visibility),
    fedAttr: structs(info.fedAttr).map((a) => ({ attribute: String(a.attribute), value: String(a.value) })),
  };
}

/** expandServices grants the requested services, meta-services expanded in place. */
export function expandServices(requested: ServiceRecord[]): ServiceRecord[] {
  return requested.flatMap((service) => {
    const concrete = META_SERVICES[service.name];
    return concrete ? concrete.map((name) => ({ ...service, name, fedAttr: service.fedAttr.map((a) => ({ ...a })) })) : [service];
  });
}

/** serviceInfo renders a record as a serviceInfo struct. */
export function serviceInfo(service: ServiceRecord): XmlRpcStruct {
  return {
    ...(service.id !== undefined ? { id: service.id } : {}),
    name: service.name,
    ...(service.server !== undefined ? { server: service.server } : {}),
    ...(service.fedAttr.length > 0 ? { fedAttr: service.fedAttr.map((a) => ({ ...a })) } : {}),
    visibility: service.visibility,
  };
}
