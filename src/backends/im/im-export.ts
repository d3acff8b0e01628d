/**
 * Reading one infrastructure's stored RADL and every VM's RADL in a single call:
 * `ExportInfrastructure(inf, false, auth)` answers IM's own serialization of the infrastructure
 * (InfrastructureInfo.serialize) without changing anything. Its `radl` member is the stored RADL
 * that GetInfrastructureRADL prints (GetInfrastructureRADL only drops IM's private-network
 * placeholder systems and deploys, `F0000__FAKE_SYSTEM__<n>`, which are dropped here too), and
 * each `vm_list` entry's `info` is the VM's RADL, the very object GetVMInfo prints (GetVMInfo
 * prints its networks and first system). Observe reads it right after GetInfrastructureState,
 * which has just refreshed every live VM from the cloud (VirtualMachine.update_status), so the
 * info is as fresh as a GetVMInfo at that moment would be (see docs: "IM no-op reads").
 *
 * IM serializes each VM (and the cloud) as a JSON string inside the outer JSON; the simulator
 * sends objects. Both are accepted. Anything else in an unexpected shape yields undefined, and
 * the caller falls back to GetInfrastructureRADL and GetVMInfo.
 *
 * The export also carries the owners' auth entries (passwords included) and contextualization
 * logs: only `radl` and the VMs' `im_id`, `destroy` and `info` are kept; the rest, and the text,
 * are dropped as soon as this returns. The text never goes into an error message.
 */

import { jsonMembers } from './json-members.js';

/** FAKE_SYSTEM is the prefix of IM's placeholder systems for private networks (InfrastructureInfo.FAKE_SYSTEM). */
export const FAKE_SYSTEM = 'F0000__FAKE_SYSTEM__';

export interface ExportedInfrastructure {
  /** radl is the stored RADL text (placeholder systems included; readers drop them). */
  radl: string;
  /** vmInfo maps each VM id that is not destroyed to its RADL text. */
  vmInfo: Map<number, string>;
}

type Json = Record<string, unknown>;

/**
 * parseExport extracts what observe needs; undefined when the text is not IM's serialization.
 * Only the `radl` and `vm_list` members are parsed (json-members.ts finds them); a text the
 * member scan does not recognise is parsed whole, with the same outcome.
 */
export function parseExport(text: string): ExportedInfrastructure | undefined {
  const outer = neededMembers(text);
  if (!outer || typeof outer.radl !== 'string' || !Array.isArray(outer.vm_list)) return undefined;
  const vmInfo = new Map<number, string>();
  for (const entry of outer.vm_list) {
    const vm = typeof entry === 'string' ? parseObject(entry) : isObject(entry) ? entry : undefined;
    if (!vm || typeof vm.im_id !== 'number' || !Number.isInteger(vm.im_id)) return undefined;
    if (vm.destroy === true) continue;
    if (typeof vm.info === 'string') vmInfo.set(vm.im_id, vm.info);
  }
  return { radl: outer.radl, vmInfo };
}

/** neededMembers: `radl` and `vm_list` of the export object, each parsed from its own slice. */
function neededMembers(text: string): { radl?: unknown; vm_list?: unknown } | undefined {
  const spans = jsonMembers(text);
  if (!spans) return parseObject(text);
  const out: { radl?: unknown; vm_list?: unknown } = {};
  for (const name of ['radl', 'vm_list'] as const) {
    const span = spans.get(name);
    if (!span) continue;
    try {
      out[name] = JSON.parse(text.slice(span.start, span.end));
    } catch {
      return undefined; // a malformed member: not IM's serialization (whole-text parsing would refuse it too)
    }
  }
  return out;
}

function parseObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
