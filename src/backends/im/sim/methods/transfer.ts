/**
 * ExportInfrastructure / ImportInfrastructure. The export is a JSON string shaped like IM's
 * serialization (id, vm_list, auth, radl, ...) printed with Python's json.dumps separators, plus
 * a `sim_state` member (sim-state-codec.ts: base64 of the gzipped record) that carries the
 * simulator's own record so an import restores it exactly.
 * Import keeps the exported id and makes the importing user the owner; VMs whose
 * contextualization never ran read `unconfigured` afterwards, as in IM.
 */
import { setNow } from '../contextualization.js';
import { vmState } from '../model/states.js';
import { valueAt, visibleText } from '../model/timeline.js';
import type { InfraRecord } from '../model/types.js';
import { isRemoved } from '../model/vm-visibility.js';
import { printRadl } from '../radl/printer.js';
import { pyTruthy } from '../python.js';
import type { MethodSpec } from './envelope.js';
import { authorize, type Arg, type MethodContext } from './context.js';
import type { CallerAuth } from '../auth.js';
import { decodeSimState, encodeSimState } from './sim-state-codec.js';

export function transferSpecs(ctx: MethodContext): MethodSpec[] {
  return [
    {
      name: 'ExportInfrastructure',
      params: ['inf_id', 'delete', 'auth_data'],
      required: 3,
      run: ([infId, del, auth]) => {
        const caller = authorize(ctx, auth);
        const inf = ctx.store.getInfrastructure(infId, caller);
        const text = exportText(ctx, inf, caller);
        if (pyTruthy(del)) {
          inf.destroyedAt = ctx.store.now();
          ctx.store.touch(inf);
        }
        return text;
      },
    },
    { name: 'ImportInfrastructure', params: ['str_inf', 'auth_data'], required: 2, run: ([text, auth]) => importInfrastructure(ctx, text, auth) },
  ];
}

/**
 * exportText prints IM's members with json.dumps' layout, then `sim_state`: the record, read
 * back only by this simulator's import, as one plain string (sim-state-codec.ts). Observe reads
 * one export per infrastructure; IM's members are printed exactly as before.
 */
function exportText(ctx: MethodContext, inf: InfraRecord, caller: CallerAuth): string {
  const imMembers = pythonJson(exported(ctx, inf, caller));
  return `${imMembers.slice(0, -1)}, "sim_state": ${simStateText(ctx, inf)}}`;
}

/**
 * simStateText is the record as printed for sim_state, printed again only when the record may
 * have changed: every change of a record is saved with `touch(inf)`, which moves its savedSeq,
 * and changes saved without naming one (forced VM states) move the store's untargetedTouches.
 * Not in the key: the `state` feature IM's reads write into each VM's RADL (derived, rewritten
 * by GetInfrastructureState and GetVMInfo before use), so an import may restore the one of an
 * earlier read, as IM's own export carries the one of its last update_status.
 */
function simStateText(ctx: MethodContext, inf: InfraRecord): string {
  const cached = simStates.get(inf);
  const untargeted = ctx.store.untargetedTouches;
  if (cached && cached.savedSeq === inf.savedSeq && cached.untargeted === untargeted) return cached.text;
  // Owners are never part of sim_state: an import makes the importing caller the owner.
  const text = JSON.stringify(encodeSimState(JSON.stringify({ ...inf, owners: [] })));
  simStates.set(inf, { savedSeq: inf.savedSeq, untargeted, text });
  return text;
}

const simStates = new WeakMap<InfraRecord, { savedSeq: number; untargeted: number; text: string }>();

function exported(ctx: MethodContext, inf: InfraRecord, caller: CallerAuth): unknown {
  const now = ctx.store.now();
  return {
    id: inf.id,
    vm_list: inf.vms.map((vm) => {
      const info = printRadl(vm.info); // printed once: `requested_radl` is the same text
      return {
        last_update: Math.floor(now / 1000),
        destroy: vm.destroyed,
        state: isRemoved(vm, now) ? 'off' : vmState(ctx.store, inf, vm),
        id: vm.cloudId,
        im_id: vm.imId,
        creation_im_id: vm.imId,
        cloud: { id: vm.cloud.id, type: vm.cloud.type, server: '', port: -1, protocol: '', path: '' },
        info,
        requested_radl: info,
        cont_out: vm.contMsg,
        configured: valueAt(vm.configured, now, null),
      };
    }),
    auth: exportedAuth(ctx, inf, caller),
    radl: printRadl(inf.radl),
    private_networks: inf.privateNetworks,
    deleted: false,
    cont_out: visibleText(inf.contMsg, now),
    configured: valueAt(inf.configured, now, null),
  };
}

/**
 * exportedAuth: IM exports its owners' auth entries with their clear passwords. The simulator
 * keeps only digests of them (model/credentials.ts), so an owner's password or token appears
 * only when the caller presented it in this very call (the usual case: an owner exporting its
 * own infrastructure); any other owner is exported without one.
 */
function exportedAuth(ctx: MethodContext, inf: InfraRecord, caller: CallerAuth): Array<Record<string, string | boolean>> {
  return inf.owners.map((owner) => {
    const presented = ctx.store.presentedBy(owner, caller);
    const entry: Record<string, string | boolean> = { type: 'InfrastructureManager', username: owner.username };
    if (presented?.password != null) entry.password = presented.password;
    if (presented?.token != null) entry.token = presented.token;
    entry.admin = false;
    return entry;
  });
}

function importInfrastructure(ctx: MethodContext, text: Arg, auth: Arg): string {
  const caller = authorize(ctx, auth);
  if (typeof text !== 'string') throw new Error('the JSON object must be str, bytes or bytearray, not dict');
  const data = JSON.parse(text) as { sim_state?: unknown };
  const record = decodeSimState(data.sim_state) as InfraRecord | undefined;
  if (!record || typeof record.id !== 'string' || !Array.isArray(record.vms)) throw new Error("'sim_state'");
  const existing = ctx.store.record(record.id);
  if (existing && !ctx.store.isGone(existing)) throw new Error('Trying to add an existing infrastructure ID.');
  const now = ctx.store.now();
  record.owners = ctx.store.ownersOf(caller);
  record.destroyedAt = null;
  record.deletingFrom = null;
  for (const vm of record.vms) if (valueAt(vm.configured, now, null) === null) vm.configured = setNow(vm.configured, now, false);
  ctx.store.state.infrastructures = ctx.store.state.infrastructures.filter((i) => i.id !== record.id);
  ctx.store.state.infrastructures.push(record);
  ctx.store.touch(record);
  return record.id;
}

/**
 * pythonJson prints like Python's json.dumps: `", "` and `": "` separators, ASCII only. Past-ASCII
 * characters can only stand inside strings (keys included), so escaping them once over the whole
 * text gives the same bytes as escaping each string (test/sim/im/python-json.test.ts checks it
 * against the per-string printer); one pass with string appends costs less than a map and join
 * per level (an export is printed for every infrastructure on every observe).
 */
export function pythonJson(value: unknown): string {
  return asciiOnly(dumps(value));
}

/** dumps is pythonJson without ensure_ascii. An undefined member prints as null, as before. */
function dumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) out += (i === 0 ? '' : ', ') + dumps(value[i]);
    return `${out}]`;
  }
  let out = '{';
  let first = true;
  for (const key of Object.keys(value)) {
    out += `${first ? '' : ', '}${JSON.stringify(key)}: ${dumps((value as Record<string, unknown>)[key])}`;
    first = false;
  }
  return `${out}}`;
}

const NON_ASCII = /[\u007f-\uffff]/;
const NON_ASCII_ALL = /[\u007f-\uffff]/g;

/** asciiOnly escapes every character past ASCII as `\uXXXX` (json.dumps' ensure_ascii). */
function asciiOnly(json: string): string {
  if (!NON_ASCII.test(json)) return json;
  return json.replace(NON_ASCII_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
