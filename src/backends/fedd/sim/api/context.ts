/** OpContext is what every access-controller operation runs with. */
import type { XmlRpcStruct } from '../../../../xmlrpc/value.js';
import type { AccessController } from '../model/access-controller.js';

export interface OpContext {
  ac: AccessController;
  /** caller is the fedid (hex) of the client certificate, undefined when none was presented. */
  caller: string | undefined;
}

/** Operation answers one request body with a response body, or throws an XmlRpcFault. */
export type Operation = (ctx: OpContext, body: XmlRpcStruct) => XmlRpcStruct | Promise<XmlRpcStruct>;
