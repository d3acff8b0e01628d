/**
 * PlcStore owns the PLC rows, their lookups and the mutations that more than one method needs.
 * Every lookup of a slice sees only live rows (`is_deleted` false and `expires > now`), as PLC's
 * Slices() does; derived id lists follow PLC's views (a deleted slice drops its links, an expired
 * one keeps them until the purge at the next AddSlice). Mutations mark the store changed so the
 * simulator saves before it replies.
 */
import type { InitScriptRow, KeyRow, NodeRow, PersonRow, PlcState, SiteRow, SliceRow, SliceTagRow, TagTypeRow } from './types.js';

/** PlcStore is the PLC database; lookups take `now` where visibility depends on it. */
export class PlcStore {
  readonly state: PlcState;
  #changed = false;

  constructor(state: PlcState) {
    this.state = state;
  }

  site(idOrLoginBase: number | string): SiteRow | undefined {
    return this.state.sites.find((s) => (typeof idOrLoginBase === 'number' ? s.site_id === idOrLoginBase : s.login_base === idOrLoginBase));
  }

  node(idOrHostname: number | string): NodeRow | undefined {
    return this.state.nodes.find((n) => (typeof idOrHostname === 'number' ? n.node_id === idOrHostname : n.hostname === idOrHostname));
  }

  person(idOrEmail: number | string): PersonRow | undefined {
    return this.state.persons.find((p) => (typeof idOrEmail === 'number' ? p.person_id === idOrEmail : p.email === idOrEmail));
  }

  tagType(idOrName: number | string): TagTypeRow | undefined {
    return this.state.tagTypes.find((t) => (typeof idOrName === 'number' ? t.tag_type_id === idOrName : t.tagname === idOrName));
  }

  tagTypeById(id: number): TagTypeRow {
    const type = this.tagType(id);
    if (!type) throw new Error(`slice tag refers to missing tag type ${id}`);
    return type;
  }

  initscript(name: string): InitScriptRow | undefined {
    return this.state.initscripts.find((i) => i.enabled && i.name === name);
  }

  /** liveSlices are the rows every lookup sees at `now` (epoch seconds). */
  liveSlices(now: number): SliceRow[] {
    return this.state.slices.filter((s) => !s.is_deleted && s.expires > now);
  }

  liveSlice(idOrName: number | string, now: number): SliceRow | undefined {
    return this.liveSlices(now).find((s) => (typeof idOrName === 'number' ? s.slice_id === idOrName : s.name === idOrName));
  }

  /** undeletedSlices still count for a site's slice_ids (and max_slices) even once expired. */
  undeletedSlices(): SliceRow[] {
    return this.state.slices.filter((s) => !s.is_deleted);
  }

  tagsOf(sliceId: number): SliceTagRow[] {
    return this.state.sliceTags.filter((t) => t.slice_id === sliceId);
  }

  keysOf(personId: number): KeyRow[] {
    return this.state.keys.filter((k) => k.person_id === personId);
  }

  siteSliceIds(siteId: number): number[] {
    return this.undeletedSlices().filter((s) => s.site_id === siteId).map((s) => s.slice_id);
  }

  nodeSliceIds(nodeId: number): number[] {
    return this.undeletedSlices().filter((s) => s.node_ids.includes(nodeId)).map((s) => s.slice_id);
  }

  personSliceIds(personId: number): number[] {
    return this.undeletedSlices().filter((s) => s.person_ids.includes(personId)).map((s) => s.slice_id);
  }

  nextSliceId(): number {
    return this.state.nextIds.slice++;
  }

  nextSliceTagId(): number {
    return this.state.nextIds.sliceTag++;
  }

  nextKeyId(): number {
    return this.state.nextIds.key++;
  }

  /** softDelete marks the slice deleted and drops its node, person and tag links. */
  softDelete(slice: SliceRow): void {
    slice.is_deleted = true;
    slice.node_ids = [];
    slice.person_ids = [];
    this.state.sliceTags = this.state.sliceTags.filter((t) => t.slice_id !== slice.slice_id);
    this.markChanged();
  }

  /** purgeExpired soft-deletes every expired, undeleted slice (PLC does it at each AddSlice). */
  purgeExpired(now: number): void {
    for (const slice of this.undeletedSlices()) if (slice.expires < now) this.softDelete(slice);
  }

  markChanged(): void {
    this.#changed = true;
  }

  /** takeChanged reports whether anything changed since the last call, and resets the flag. */
  takeChanged(): boolean {
    const changed = this.#changed;
    this.#changed = false;
    return changed;
  }
}
