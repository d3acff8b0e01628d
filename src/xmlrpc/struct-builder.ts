/**
 * buildStruct makes the object of a decoded `<struct>` from its member names and values in order,
 * exactly as fast-decoder's `struct[key] = value` does: a repeated key keeps its first place and
 * its last value, and a member named `__proto__` sets the prototype.
 *
 * Why not just that assignment: V8 turns an object that gets more than a dozen properties by
 * keyed stores into a dictionary, and a XenAPI VM record (~90 members) then costs 8.6 kB of heap
 * instead of ~0.8 kB for its fields: 41 MB against 15 MB for a 5,000-VM list as decoded
 * (docs/PERFORMANCE.md, memory). Larger structs are therefore built with fast properties: the
 * first struct of a shape (its member names in order) by Object.fromEntries, and the next ones of
 * that shape as copies of a template of it (`{ ...template }`, all sharing one hidden class) whose
 * fields are then overwritten in order, which cannot add, drop or reorder a property.
 */
import type { XmlRpcValue } from './value.js';

type Struct = { [key: string]: XmlRpcValue };

/** Structs of up to this many members are built by assignment (V8 keeps them fast anyway). */
const SMALL = 12;
/** At most this many shapes are remembered (keyed by the first member name); then they are forgotten. */
const MAX_SHAPES = 256;

interface Shape {
  names: string[];
  template: Struct;
}

const shapes = new Map<string, Shape>();

export function buildStruct(names: string[], values: XmlRpcValue[]): Struct {
  const n = names.length;
  if (n <= SMALL || names.includes('__proto__')) return assigned(names, values);
  const shape = shapes.get(names[0]!);
  if (shape !== undefined && sameNames(shape.names, names)) {
    const struct: Struct = { ...shape.template };
    for (let i = 0; i < n; i += 1) struct[names[i]!] = values[i]!;
    return struct;
  }
  if (shapes.size >= MAX_SHAPES) shapes.clear();
  shapes.set(names[0]!, { names, template: Object.fromEntries(names.map((name) => [name, null])) as Struct });
  return Object.fromEntries(names.map((name, i) => [name, values[i]!])) as Struct;
}

function assigned(names: string[], values: XmlRpcValue[]): Struct {
  const struct: Struct = {};
  for (let i = 0; i < names.length; i += 1) struct[names[i]!] = values[i]!;
  return struct;
}

function sameNames(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
