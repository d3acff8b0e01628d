/**
 * "Someone else": a plain XML-RPC client acting on an IM simulator behind converge's back, with
 * the example manifests' demo credentials.
 */
import { XmlRpcClient } from '../../src/xmlrpc/client.js';
import type { XmlRpcValue } from '../../src/xmlrpc/value.js';

export const DEMO_AUTH: Array<Record<string, string>> = [
  { id: 'im', type: 'InfrastructureManager', username: 'demo', password: 'demo-password' },
  { id: 'dummy', type: 'Dummy' },
];

export async function imCall(url: string, method: string, params: XmlRpcValue[]): Promise<XmlRpcValue> {
  const client = new XmlRpcClient({ url, timeoutMs: 10_000 });
  try {
    const reply = (await client.call(method, params)) as [boolean, XmlRpcValue];
    if (!reply[0]) throw new Error(`${method}: ${String(reply[1])}`);
    return reply[1];
  } finally {
    client.close();
  }
}
