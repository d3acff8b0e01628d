/**
 * XmlRpcFault is thrown by a server-side handler to answer with a `<fault>`: the codec turns it
 * into `{faultCode, faultString}`. Client-side, faults arrive as XmlRpcFaultError (client.ts).
 */
export class XmlRpcFault extends Error {
  readonly faultCode: number;
  readonly faultString: string;

  constructor(faultCode: number, faultString: string) {
    super(faultString);
    this.name = 'XmlRpcFault';
    this.faultCode = faultCode;
    this.faultString = faultString;
  }
}
