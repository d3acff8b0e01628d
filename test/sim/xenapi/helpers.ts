/**
 * Test helpers: a XenAPI simulator on 127.0.0.1 (port 0) and a small XenAPI client over fetch and
 * the project's codec, which unwraps xapi's Status/Value envelope.
 */
import { decodeResponse, encodeCall } from '../../../src/xmlrpc/codec.js';
import type { XmlRpcValue } from '../../../src/xmlrpc/value.js';
import { isStruct } from '../../../src/xmlrpc/value.js';
import { startXenApiSimulator, type RunningXenApiSimulator, type XenApiSimulatorOptions } from '../../../src/backends/xenapi/sim/index.js';

export interface RawReply {
  status: number;
  contentType: string | null;
  text: string;
}

export async function rawPost(url: string, body: string, path = '/'): Promise<RawReply> {
  const res = await fetch(new URL(path, url), { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

/** rawCall posts one call and returns the decoded value (the envelope, for API methods). */
export async function rawCall(url: string, method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue> {
  const reply = await rawPost(url, encodeCall(method, params));
  const decoded = await decodeResponse(Buffer.from(reply.text));
  if (!decoded.ok) throw new Error(`fault ${decoded.faultCode}: ${decoded.faultString}`);
  return decoded.value;
}

export class XenFailure extends Error {
  readonly description: string[];

  constructor(method: string, description: string[]) {
    super(`${method}: ${description.join(' ')}`);
    this.description = description;
  }
}

export class XenTestClient {
  readonly url: string;
  session = '';

  constructor(url: string) {
    this.url = url;
  }

  async login(user = 'root', password = 'xenroot', ...rest: string[]): Promise<string> {
    this.session = String(await this.bare('session.login_with_password', user, password, ...rest));
    return this.session;
  }

  /** bare calls without prepending the session; returns Value or throws XenFailure. */
  async bare(method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue> {
    const envelope = await rawCall(this.url, method, ...params);
    if (!isStruct(envelope)) throw new Error(`${method}: no envelope: ${JSON.stringify(envelope)}`);
    if (envelope.Status === 'Success') return envelope.Value ?? null;
    throw new XenFailure(method, (envelope.ErrorDescription as string[] | undefined) ?? []);
  }

  call(method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue> {
    return this.bare(method, this.session, ...params);
  }

  /** callAs is call for results the test reads as a known shape. */
  async callAs<T>(method: string, ...params: XmlRpcValue[]): Promise<T> {
    return (await this.call(method, ...params)) as unknown as T;
  }

  /** fail runs a call that must fail and returns its ErrorDescription. */
  async fail(method: string, ...params: XmlRpcValue[]): Promise<string[]> {
    try {
      const value = await this.call(method, ...params);
      throw new Error(`${method} succeeded with ${JSON.stringify(value)}`);
    } catch (error) {
      if (error instanceof XenFailure) return error.description;
      throw error;
    }
  }

  async ref(cls: string, uuid: string): Promise<string> {
    return String(await this.call(`${cls}.get_by_uuid`, uuid));
  }

  async record(cls: string, ref: string): Promise<Record<string, XmlRpcValue>> {
    return (await this.call(`${cls}.get_record`, ref)) as Record<string, XmlRpcValue>;
  }

  /** control calls a converge.sim.* method. */
  control(method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue> {
    return rawCall(this.url, method, ...params);
  }
}

export type TestXen = RunningXenApiSimulator & { client: XenTestClient };

export async function startTestXen(options: XenApiSimulatorOptions = {}): Promise<TestXen> {
  const running = await startXenApiSimulator(options);
  const client = new XenTestClient(running.url);
  await client.login();
  return Object.assign(running, { client });
}

/** waitFor polls `check` until it returns a value other than undefined. */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
