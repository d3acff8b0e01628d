/**
 * The observation's list reads (`get_all_records` and `get_all_records_where`), decoded with a
 * projection: of each record, only the fields its parser (api/records.ts) reads become values.
 * A VM record has ~90 fields and parseVm reads 15: at 5,000 VMs the reply is 41 MB of XML, and
 * building every field was most of the no-op's decoding CPU, garbage and peak memory
 * (docs/PERFORMANCE.md). The reply is still read whole and checked as before; the typed records
 * are the same (test/backends/xenapi-observe-projection.test.ts).
 *
 * The fields kept are those the parser itself reads, found by running it once on a probe record
 * that notes every field asked for; so a field added to a parser is kept without a list to
 * update. Contract: a parser reads its fields unconditionally (never a field only because another
 * has some value), which the test checks on records with every field set.
 */
import type { Projection } from '../../../xmlrpc/projection.js';
import type { XmlRpcStruct, XmlRpcValue } from '../../../xmlrpc/value.js';
import { recordMap } from '../api/records.js';
import type { XenApi } from '../api/xen-api.js';

/** RECORD_DEPTH: xapi's envelope `{Status, Value}` is depth 1, the `ref → record` map 2, a record 3. */
const RECORD_DEPTH = 3;

type Parser<T> = (ref: string, record: XmlRpcStruct) => T;

/** fieldsReadBy runs `parse` on a probe record and returns the names of the fields it read. */
export function fieldsReadBy(parse: Parser<unknown>): ReadonlySet<string> {
  const read = new Set<string>();
  const probe = new Proxy({} as XmlRpcStruct, {
    get(_target, name) {
      if (typeof name === 'string') read.add(name);
      return undefined;
    },
  });
  parse('OpaqueRef:probe', probe);
  return read;
}

const projections = new WeakMap<Parser<unknown>, Projection>();

/** projectionFor: the projection that keeps what `parse` reads of each record (derived once per parser). */
export function projectionFor(parse: Parser<unknown>): Projection {
  let projection = projections.get(parse);
  if (!projection) {
    projection = { depth: RECORD_DEPTH, keep: fieldsReadBy(parse) };
    projections.set(parse, projection);
  }
  return projection;
}

/** readRecords makes one list read (retried when TRANSIENT, as every read) and parses its records. */
export async function readRecords<T>(api: XenApi, method: string, params: XmlRpcValue[], parse: Parser<T>, signal: AbortSignal): Promise<Map<string, T>> {
  const value = await api.session.read(method, params, { signal, project: projectionFor(parse) });
  return recordMap(method, value, parse);
}
