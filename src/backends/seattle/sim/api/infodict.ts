/**
 * vesselInfo is the server's infodict (seattle.md §5), exactly these members:
 * node_id (str), node_ip (str), node_port (int), vessel_id (str), handle (str, `node_id:vessel_id`),
 * is_active (bool), expires_in_seconds (int: whole seconds left, days*86400 + seconds of the timedelta).
 */
import type { XmlRpcStruct } from '../../../../xmlrpc/value.js';
import { vesselHandle, type NodeRecord } from '../model/types.js';

export function vesselInfo(node: NodeRecord, now: number): XmlRpcStruct {
  return {
    node_id: node.id,
    node_ip: node.ip,
    node_port: node.port,
    vessel_id: node.vesselName,
    handle: vesselHandle(node),
    is_active: node.active,
    expires_in_seconds: Math.max(0, Math.floor((node.expiresAt - now) / 1000)),
  };
}
