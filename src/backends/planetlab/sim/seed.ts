/**
 * The seed PLC of a fresh simulator (also documented in docs/backends/planetlab.md, "Simulator"):
 *
 * Sites (login_base, max_slices):
 *   1 pl         PlanetLab Central      100   the operator's site (admin)
 *   2 princeton  Princeton University    10   where the examples create their slices
 *   3 upmc       UPMC                     0   PLC's default: no slice creation until an admin raises it
 *
 * Persons (password), ids as in the notes' §C transcripts:
 *   1 admin@plc.test        (admin-password)  admin        site pl
 *   2 tech@princeton.test   (tech-password)   tech         site princeton
 *   3 pi@princeton.test     (pi-password)     pi, user     site princeton   ← the examples' account
 *   4 user@princeton.test   (user-password)   user         site princeton
 *   5 pi@upmc.test          (upmc-password)   pi, user     site upmc
 * pi@princeton.test and user@princeton.test have one ssh key each (a fixed public key).
 *
 * Nodes: `nodes` of them (default 3), node i is `node<i>.<site>.test`, alternating princeton, upmc.
 * Tag types: see TAG_TYPES (delegations open to admin/pi/user, vsys to every person role,
 * rawdisk to admin/pi, the accessor tags, and admin-only resource tags). One enabled initscript.
 * No slices: a fresh PLC has none.
 */
import { createHash } from 'node:crypto';
import { hashPassword } from './plc/model/secrets.js';
import type { MethodRole, NodeRow, PersonRole, PersonRow, PlcState, SiteRow, TagTypeRow } from './plc/model/types.js';

/** SeedAccount is a fixture login: documented credentials of the seed, not a secret. */
export interface SeedAccount {
  personId: number;
  email: string;
  password: string;
  roles: PersonRole[];
  siteLoginBase: string;
}

/** SEED_ACCOUNTS are the seed's logins (see the table above); `pi` is the examples' account. */
export const SEED_ACCOUNTS = {
  admin: { personId: 1, email: 'admin@plc.test', password: 'admin-password', roles: ['admin'], siteLoginBase: 'pl' },
  tech: { personId: 2, email: 'tech@princeton.test', password: 'tech-password', roles: ['tech'], siteLoginBase: 'princeton' },
  pi: { personId: 3, email: 'pi@princeton.test', password: 'pi-password', roles: ['pi', 'user'], siteLoginBase: 'princeton' },
  user: { personId: 4, email: 'user@princeton.test', password: 'user-password', roles: ['user'], siteLoginBase: 'princeton' },
  otherPi: { personId: 5, email: 'pi@upmc.test', password: 'upmc-password', roles: ['pi', 'user'], siteLoginBase: 'upmc' },
} as const satisfies Record<string, SeedAccount>;

const SITES: SiteRow[] = [
  { site_id: 1, login_base: 'pl', name: 'PlanetLab Central', abbreviated_name: 'PLC', enabled: true, max_slices: 100, max_slivers: 1000, is_public: false },
  { site_id: 2, login_base: 'princeton', name: 'Princeton University', abbreviated_name: 'Princeton', enabled: true, max_slices: 10, max_slivers: 1000, is_public: true },
  { site_id: 3, login_base: 'upmc', name: 'UPMC', abbreviated_name: 'UPMC', enabled: true, max_slices: 0, max_slivers: 1000, is_public: true },
];

const PERSON_ROLES: MethodRole[] = ['admin', 'pi', 'user', 'tech'];

/** TAG_TYPES: roles as PLC's db-config defines them; an empty list is admin-only. */
export const TAG_TYPES: ReadonlyArray<Omit<TagTypeRow, 'tag_type_id'>> = [
  { tagname: 'delegations', description: 'Comma-separated list of slices to give delegation authority to', category: 'slice/general', roles: ['admin', 'pi', 'user'] },
  { tagname: 'vsys', description: 'Bind vsys script fd to the slice', category: 'slice/vsys', roles: PERSON_ROLES },
  { tagname: 'rawdisk', description: 'Raw disk access', category: 'slice/general', roles: ['admin', 'pi'] },
  { tagname: 'vref', description: 'Reference image of the sliver', category: 'slice/config', roles: ['admin', 'pi', 'user'] },
  { tagname: 'initscript', description: 'Name of an initscript to run in the sliver', category: 'slice/config', roles: ['admin', 'pi', 'user'] },
  { tagname: 'initscript_code', description: 'Code of the initscript to run in the sliver', category: 'slice/config', roles: [] },
  { tagname: 'arch', description: 'Sliver architecture', category: 'slice/config', roles: [] },
  { tagname: 'pldistro', description: 'PlanetLab distribution of the sliver', category: 'slice/config', roles: [] },
  { tagname: 'fcdistro', description: 'Fedora distribution of the sliver', category: 'slice/config', roles: [] },
  { tagname: 'hrn', description: 'Human readable name (SFA)', category: 'slice/sfa', roles: [] },
  { tagname: 'system', description: 'Is a system slice (1) or not', category: 'slice/general', roles: [] },
  { tagname: 'cpu_share', description: 'Number of CPU shares', category: 'slice/rspec', roles: [] },
  { tagname: 'net_max_rate', description: 'Maximum egress rate (kbps)', category: 'slice/rspec', roles: [] },
  { tagname: 'disk_max', description: 'Disk quota (1k disk blocks)', category: 'slice/rspec', roles: [] },
];

/** SEED_NODE_COUNT is the number of nodes when none is asked for. */
export const SEED_NODE_COUNT = 3;

/** seedState builds the fresh PLC of the comment above. */
export function seedState(nodeCount = SEED_NODE_COUNT): PlcState {
  const persons: PersonRow[] = Object.values(SEED_ACCOUNTS).map((account) => seedPerson(account));
  return {
    version: 1,
    sites: SITES.map((s) => ({ ...s })),
    nodes: seedNodes(nodeCount),
    persons,
    keys: [
      { key_id: 1, person_id: SEED_ACCOUNTS.pi.personId, key_type: 'ssh', key: seedSshKey(SEED_ACCOUNTS.pi.email) },
      { key_id: 2, person_id: SEED_ACCOUNTS.user.personId, key_type: 'ssh', key: seedSshKey(SEED_ACCOUNTS.user.email) },
    ],
    slices: [],
    sliceTags: [],
    tagTypes: TAG_TYPES.map((t, i) => ({ ...t, roles: [...t.roles], tag_type_id: i + 1 })),
    initscripts: [{ initscript_id: 1, name: 'hello', enabled: true, script: '#!/bin/sh\necho hello\n' }],
    sessions: [],
    nextIds: { slice: 1, sliceTag: 1, key: 3 },
  };
}

function seedPerson(account: SeedAccount): PersonRow {
  const site = SITES.find((s) => s.login_base === account.siteLoginBase);
  const [first, last] = account.email.split('@') as [string, string];
  return {
    person_id: account.personId,
    email: account.email,
    first_name: first,
    last_name: last.split('.')[0] ?? last,
    enabled: true,
    roles: [...account.roles],
    site_ids: site ? [site.site_id] : [],
    passwordHash: hashPassword(account.password),
  };
}

function seedNodes(count: number): NodeRow[] {
  const sites = SITES.filter((s) => s.login_base !== 'pl');
  return Array.from({ length: count }, (_, i) => {
    const site = sites[i % sites.length] as SiteRow;
    return {
      node_id: i + 1,
      hostname: `node${i + 1}.${site.login_base}.test`,
      site_id: site.site_id,
      boot_state: 'boot',
      run_level: 'boot',
      node_type: 'regular',
      slice_ids_whitelist: [],
      last_contact: null,
    };
  });
}

/** seedSshKey is a well-formed ssh-ed25519 public key derived from the email (no private half exists). */
export function seedSshKey(email: string): string {
  const lengthPrefixed = (data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, data]);
  };
  const point = createHash('sha256').update(email).digest();
  const blob = Buffer.concat([lengthPrefixed(Buffer.from('ssh-ed25519')), lengthPrefixed(point)]);
  return `ssh-ed25519 ${blob.toString('base64')} ${email}`;
}
