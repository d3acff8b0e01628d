/**
 * AddSlice (planetlab.md §A5), in PLC's order: unaccepted and unknown keys, the name regex and
 * its site prefix, the caller's site (non-admins), the site's max_slices (counting expired slices
 * not yet purged) and enabled flag, then the purge of expired slices, then the name's uniqueness
 * among live slices. The new slice expires 2 weeks from now; its creator is not a member; it
 * gets an `hrn` tag and the PLC_VSYS_DEFAULTS vsys tags; accessor tags go through AddSliceTag
 * with the caller's auth.
 *
 * Texts quoted in §C are exact; the max_slices, disabled-site and foreign-site texts are
 * reconstructed from the upstream code.
 */
import type { XmlRpcStruct } from '../../../../../xmlrpc/value.js';
import { pyRepr } from '../../python.js';
import type { PlcStore } from '../model/store.js';
import { DEFAULT_LIFETIME_SECONDS, type SiteRow, type SliceRow } from '../model/types.js';
import { AUTH_PARAM, isAdmin, personOf } from './auth.js';
import { PythonError, invalidArgument, permissionDenied } from './faults.js';
import type { MethodContext, PlcMethod } from './method.js';
import { int, str, struct } from './param-check.js';
import { checkAccepted, splitSliceFields, validateInstantiation } from './slice-access.js';

const NAME_PATTERN = /^[a-z0-9.]+_[a-zA-Z0-9_.]+$/;
const ACCEPTED = ['name', 'instantiation', 'url', 'description', 'max_nodes'];

/** SLICE_TAG_FIELD_SPECS: accessor tags AddSlice and UpdateSlice accept as fields (string values). */
export const SLICE_TAG_FIELD_SPECS = {
  vref: str(),
  initscript: str(),
  initscript_code: str(),
  arch: str(),
  pldistro: str(),
  fcdistro: str(),
  hrn: str(),
};

export const addSlice: PlcMethod = {
  name: 'AddSlice',
  roles: ['admin', 'pi'],
  accepts: [
    { name: 'auth', spec: AUTH_PARAM },
    {
      name: 'slice_fields',
      spec: struct({
        name: str({ max: 64 }),
        instantiation: str(),
        url: str({ max: 254, nullok: true }),
        description: str({ max: 2048, nullok: true }),
        max_nodes: int(),
        ...SLICE_TAG_FIELD_SPECS,
      }),
    },
  ],
  minArgs: 2,
  returns: 'int',
  doc: 'Adds a new slice named <login_base>_<name> at a site of the caller. Returns the new slice_id.',
  run(ctx, [, fields]) {
    const { native, tags, rejected } = splitSliceFields(fields as XmlRpcStruct);
    checkAccepted(native, ACCEPTED);
    if (rejected.length) throw invalidArgument(`Cannot add Slice with column(s) ${pyRepr(rejected)}`);
    if (!('name' in native)) throw new PythonError('KeyError', "'name'");
    const name = String(native.name ?? '');
    const site = checkNameAndSite(ctx, name);
    ctx.store.purgeExpired(ctx.now);
    if (ctx.store.liveSlice(name, ctx.now)) throw invalidArgument(`Slice name already in use, ${name}`);
    if ('instantiation' in native) validateInstantiation(native.instantiation);
    const slice = insertSlice(ctx, site, native, name);
    for (const [tagname, value] of Object.entries(tags)) ctx.invoke('AddSliceTag', [ctx.auth, slice.slice_id, tagname, value]);
    return slice.slice_id;
  },
};

function checkNameAndSite(ctx: MethodContext, name: string): SiteRow {
  if (!name || !NAME_PATTERN.test(name)) throw invalidArgument('Invalid slice name');
  const loginBase = name.split('_')[0] as string;
  const site = ctx.store.site(loginBase);
  if (!site) throw invalidArgument(`Invalid slice prefix ${loginBase} in ${name}`);
  if (!isAdmin(ctx.caller) && !personOf(ctx.caller).site_ids.includes(site.site_id)) {
    throw permissionDenied(`Slice prefix ${loginBase} must be the same as the login_base of one of your sites`);
  }
  const count = ctx.store.siteSliceIds(site.site_id).length;
  if (count >= site.max_slices) throw invalidArgument(`Site ${site.name} has reached (${count}) its maximum allowable slice count (${site.max_slices})`);
  if (!site.enabled) throw invalidArgument(`Site ${site.name} is disabled and can cannot create slices`);
  return site;
}

function insertSlice(ctx: MethodContext, site: SiteRow, native: XmlRpcStruct, name: string): SliceRow {
  const slice: SliceRow = {
    slice_id: ctx.store.nextSliceId(),
    site_id: site.site_id,
    name,
    instantiation: (native.instantiation as SliceRow['instantiation'] | undefined) ?? 'plc-instantiated',
    url: (native.url as string | null | undefined) ?? null,
    description: (native.description as string | null | undefined) ?? null,
    max_nodes: typeof native.max_nodes === 'number' ? native.max_nodes : 100,
    creator_person_id: personOf(ctx.caller).person_id,
    created: ctx.now,
    expires: ctx.now + DEFAULT_LIFETIME_SECONDS,
    is_deleted: false,
    node_ids: [],
    person_ids: [],
  };
  ctx.store.state.slices.push(slice);
  const rest = name.slice(name.indexOf('_') + 1);
  addServerTag(ctx.store, slice, 'hrn', `${ctx.config.hrnRoot}.${site.login_base}.${rest}`);
  for (const vsys of ctx.config.vsysDefaults) addServerTag(ctx.store, slice, 'vsys', vsys);
  ctx.store.markChanged();
  return slice;
}

/** addServerTag writes a tag as PLC itself does (no caller authorization). */
export function addServerTag(store: PlcStore, slice: SliceRow, tagname: string, value: string): void {
  const type = store.tagType(tagname);
  if (!type) return;
  store.state.sliceTags.push({ slice_tag_id: store.nextSliceTagId(), slice_id: slice.slice_id, tag_type_id: type.tag_type_id, value, node_id: null, nodegroup_id: null });
}
