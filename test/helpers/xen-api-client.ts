/**
 * Xen Orchestra's `xen-api` client (4.7.x), typed for the parts tests use: it ships no type
 * declarations. `connectXapi` logs in over XML-RPC as the simulator's root and, unless told not
 * to, waits for its first full fetch of objects (it then follows event.from itself).
 */
// @ts-expect-error xen-api ships no type declarations; the shape used here is declared below.
import { createClient } from 'xen-api';

export interface XapiRecord {
  $ref: string;
  $type: string;
  uuid: string;
  name_label: string;
  is_a_template: boolean;
  power_state: string;
  other_config: Record<string, string>;
  VCPUs_max: string;
}

export interface Xapi {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  readonly objectsFetched: Promise<void>;
  readonly objects: { all: Record<string, XapiRecord> };
  readonly pool: { $ref: string; name_label: string };
  call(method: string, ...args: unknown[]): Promise<unknown>;
  callAsync(method: string, ...args: unknown[]): Promise<unknown>;
  getObjectByRef(ref: string, defaultValue?: unknown): XapiRecord | undefined;
  barrier(ref?: string): Promise<unknown>;
  setFieldEntry(type: string, ref: string, field: string, entry: string, value: string | null): Promise<void>;
}

const makeClient = createClient as unknown as (opts: Record<string, unknown>) => Xapi;

/** connectXapi connects a client; `cleanups` gets its disconnect, for the test's afterEach. */
export async function connectXapi(url: string, cleanups: Array<() => Promise<void>>, extra: Record<string, unknown> = {}): Promise<Xapi> {
  const xapi = makeClient({ url, auth: { user: 'root', password: 'xenroot' }, allowUnauthorized: true, transport: 'xml-rpc', debounce: 20, ...extra });
  cleanups.push(() => xapi.disconnect());
  await xapi.connect();
  if (extra.watchEvents !== false) await xapi.objectsFetched;
  return xapi;
}
