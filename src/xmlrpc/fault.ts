/**
 * XmlRpcFault is thrown by a server-side handler to answer with a `<fault>`: the codec turns it
 * into `{faultCode, faultString}`. Client-side, faults arrive as XmlRpcFaultError (client.ts).
 * faultCode is an int for most servers; fedd sends its error name as a string ("Access Denied").
 */
export class XmlRpcFault extends Error {
  readonly faultCode: number | string;
  readonly faultString: string;

  constructor(faultCode: number | string, faultString: string) {
    super(faultString);
    this.name = 'XmlRpcFault';
    this.faultCode = faultCode;
    this.faultString = faultString;
  }
}
