/**
 * Dispatcher serves every XenAPI method over the XML-RPC server helper: it resolves and
 * unmarshals the call (unmarshal.ts), checks the session (`SESSION_INVALID [ref]`), runs the
 * method — or, for `Async.<m>`, submits it as a task and returns the task ref — and wraps the
 * outcome in xapi's envelope: `{Status: "Success", Value}` or `{Status: "Failure",
 * ErrorDescription: [code, ...]}`. Nothing becomes an XML-RPC `<fault>`. `system.listMethods`
 * answers a bare array of every sync method name.
 *
 * `hooks.before` runs before each call (task progress, session expiry); `hooks.after` runs after
 * it, before the reply (derived fields, persistence).
 */
import type { CallContext, MethodHandler } from '../../../../xmlrpc/server.js';
import type { XmlRpcValue } from '../../../../xmlrpc/value.js';
import { describe, type TaskRunner } from '../tasks/task-runner.js';
import type { SimContext } from './context.js';
import type { MethodSpec } from './method-spec.js';
import { resolveMethod, unmarshal } from './unmarshal.js';

export interface DispatchHooks {
  before(): void;
  after(): void;
}

export class Dispatcher {
  readonly #ctx: SimContext;
  readonly #table: ReadonlyMap<string, MethodSpec>;
  readonly #tasks: TaskRunner;
  readonly #hooks: DispatchHooks;

  constructor(ctx: SimContext, table: ReadonlyMap<string, MethodSpec>, tasks: TaskRunner, hooks: DispatchHooks) {
    this.#ctx = ctx;
    this.#table = table;
    this.#tasks = tasks;
    this.#hooks = hooks;
  }

  handler(method: string): MethodHandler {
    if (method === 'system.listMethods') return () => this.listMethods();
    return (params, call) => this.#serve(method, params, call);
  }

  listMethods(): string[] {
    return ['system.listMethods', ...this.#table.keys()].sort();
  }

  async #serve(method: string, params: XmlRpcValue[], call: CallContext): Promise<XmlRpcValue> {
    this.#hooks.before();
    try {
      const value = await this.#invoke(method, params, call.signal);
      return { Status: 'Success', Value: value ?? '' };
    } catch (error) {
      return { Status: 'Failure', ErrorDescription: describe(error) };
    } finally {
      this.#hooks.after();
    }
  }

  async #invoke(method: string, params: XmlRpcValue[], signal: AbortSignal): Promise<XmlRpcValue | void> {
    const { spec, isAsync } = resolveMethod(this.#table, method);
    const { session, args } = unmarshal(method, spec, params);
    if (spec.session !== false) this.#ctx.sessions.requireValid(session);
    const info = { method, session, signal };
    if (isAsync) return this.#tasks.submit(spec, args, info);
    return spec.run(args, info);
  }
}
