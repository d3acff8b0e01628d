/**
 * lookupSlices proves the absence of slices state records but observation did not return
 * (DESIGN §5). PLC silently leaves out what the caller may not see (planetlab.md §A5: users see
 * their own slices, PIs their sites'), so a slice recorded under another account is not proof
 * of anything: that is UNAUTHORIZED, naming the key. Under the same account the recorded
 * slice_id is read again; no live slice means gone: expired (PLC hides expired slices, and they
 * cannot be renewed; a warning event says it will be re-created with a new slice_id) or deleted.
 * A sliver whose slice is gone is gone with it.
 */
import { ConvergeError } from '../../../errors/converge-error.js';
import type { EventSink } from '../../../engine/events.js';
import type { ObjectRecord } from '../../../state/types.js';
import type { LookupResult, ObservedObject, ObserveContext } from '../../driver.js';
import type { PlcApi } from '../plc/plc-api.js';
import { SLICE_FIELDS, rows, sliceRecord } from '../plc/plc-records.js';
import { readMarker } from '../spec/ownership-marker.js';
import { isSliverKey } from '../spec/slice-spec.js';
import type { SliceRecordExtra } from './slice-facts.js';

export interface LookupDeps {
  api: PlcApi;
  sink: EventSink;
  /** observeNames observes the named slices as observe would (for a live slice found by id). */
  observeNames(names: string[], ctx: ObserveContext): Promise<ObservedObject[]>;
}

export async function lookupSlices(deps: LookupDeps, records: readonly ObjectRecord[], ctx: ObserveContext): Promise<LookupResult[]> {
  const { api, sink } = deps;
  const slices = records.filter((r) => !isSliverKey(r.key));
  for (const record of slices) {
    const account = (record.extra as Partial<SliceRecordExtra> | undefined)?.account;
    if (account && account.toLowerCase() !== api.username.toLowerCase()) {
      throw new ConvergeError('UNAUTHORIZED', 'PLC_OTHER_ACCOUNT', `${record.key} (slice ${record.ids.name ?? '?'}) was made by PLC account ${JSON.stringify(account)}, which PLC does not let ${JSON.stringify(api.username)} see`, { key: record.key });
    }
  }
  const ids = slices.map((r) => Number(r.ids.slice_id)).filter(Number.isFinite);
  const live = ids.length ? rows('GetSlices', await api.read('GetSlices', [ids, SLICE_FIELDS], ctx.signal)).map(sliceRecord) : [];
  const ours = (record: ObjectRecord): boolean => {
    const found = live.find((s) => String(s.sliceId) === record.ids.slice_id);
    const marker = found ? readMarker(found.description).marker : undefined;
    return marker?.owner === ctx.owner && marker.key === record.key;
  };
  const present = slices.some(ours) ? await deps.observeNames(live.map((s) => s.name), ctx) : [];
  const results: LookupResult[] = slices.map((record): LookupResult => {
    const objects = present.filter((o) => o.key === record.key || o.key.startsWith(`${record.key}/`));
    if (ours(record) && objects.length > 0) return { key: record.key, presence: 'present', objects };
    const found = live.some((s) => String(s.sliceId) === record.ids.slice_id);
    return { key: record.key, presence: 'gone', evidence: goneEvidence(record, found, ctx.now, sink) };
  });
  for (const record of records.filter((r) => isSliverKey(r.key))) {
    results.push({ key: record.key, presence: 'gone', evidence: 'its slice is no longer live at PLC; the nodes destroy its slivers at their next poll' });
  }
  return results;
}

function goneEvidence(record: ObjectRecord, foundUnmarked: boolean, now: Date, sink: EventSink): string {
  const name = record.ids.name ?? '?';
  if (foundUnmarked) return `slice_id ${record.ids.slice_id} (${name}) no longer carries converge's marker; it is not treated as ours`;
  const expires = Date.parse(String((record.extra as Partial<SliceRecordExtra> | undefined)?.expires ?? ''));
  if (Number.isFinite(expires) && expires <= now.getTime()) {
    const message = `slice ${name} expired at ${new Date(expires).toISOString()}; PLC hides expired slices and cannot renew them, so it will be re-created (new slice_id; nodes, people and tags added again; delegated slivers rebuilt)`;
    sink.emit({ type: 'warning', key: record.key, code: 'SLICE_EXPIRED', message });
    return `expired at ${new Date(expires).toISOString()} (PLC hides expired slices)`;
  }
  return `GetSlices finds no live slice with slice_id ${record.ids.slice_id} (${name}): deleted at PLC`;
}
