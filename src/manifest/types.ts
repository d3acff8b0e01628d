/**
 * Types of loaded, validated manifests. Loading (src/manifest/load-manifests.ts) turns YAML
 * documents into these; everything downstream (expand, plan, apply) works only on these types,
 * never on raw YAML. Sizes are already converted to bytes and durations to milliseconds.
 */

export type Kind = 'Backend' | 'Infrastructure' | 'Slice' | 'VesselSet';
export type BackendType = 'im' | 'xenapi' | 'planetlab' | 'seattle' | 'fedd';
export type DeletionPolicy = 'Delete' | 'Orphan';

/** SourceLocation points at the YAML node a value came from, for diagnostics. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export interface Metadata {
  name: string;
  labels: Record<string, string>;
  /** annotations tell converge how to treat the resource (e.g. `converge.io/suspend`, see engine/suspend.ts). */
  annotations?: Record<string, string>;
  /**
   * previousNames are names the resource had before (a rename): objects made under them are
   * managed under this name (src/workspace/renames.ts). Workload kinds only.
   */
  previousNames?: string[];
}

/** CredentialRef is how a credential is named; its value is read only when a backend connects. */
export type CredentialRef = { fromEnv: string } | { fromFile: string };

export interface BackendLimits {
  /** concurrency caps the actions in progress on the backend at once (default 8). */
  concurrency: number;
  /** connections caps the connections open to the backend (default 4 for im, else 8). */
  connections: number;
  /** callsPerSecond caps the call rate; 0 means unlimited. */
  callsPerSecond: number;
}

export interface BackendTimeouts {
  /** callMs bounds one API call (default 60s). */
  callMs: number;
  /** connectMs bounds establishing a connection (default 10s). */
  connectMs: number;
  /** mutateMs bounds one mutating call (default 10m for im, else callMs). */
  mutateMs: number;
  /** settleMs is how long a cut-off create's object may still appear (default 15s). */
  settleMs: number;
}

export interface BackendSpec {
  type: BackendType;
  /** url is `embedded` (the built-in simulator, state under .converge/) or an http(s) URL. */
  url: string;
  /** credentials resolved relative to the manifest file (fromFile) or the environment. */
  credentials?: CredentialRef;
  tls: { caFile?: string; insecureSkipVerify: boolean };
  limits: BackendLimits;
  timeouts: BackendTimeouts;
  /** prune lets reconcile delete objects of this backend whose manifest disappeared. */
  prune: boolean;
  /** options are backend-specific settings, passed to the driver unchanged. */
  options: Record<string, unknown>;
  /** fedd holds the settings of a fedd backend (type fedd only). */
  fedd?: FeddBackendSettings;
  /** ssh is how a planetlab backend reaches its nodes (type planetlab only). */
  ssh?: PlanetLabSshSettings;
}

/**
 * PlanetLabSshSettings: the key of a member of the nm-controller slice and the nodes' host keys
 * (by reference), the login (default: each slice's controller name), an ssh_config for -F, a
 * port, and how many ssh sessions may run at once. Host keys are always verified.
 */
export interface PlanetLabSshSettings {
  privateKey?: CredentialRef;
  knownHosts?: CredentialRef;
  user?: string;
  configFile?: string;
  port?: number;
  parallel?: number;
}

/** FeddTestbed names one DETER testbed and the URL of its access controller (`embedded` or https). */
export interface FeddTestbed {
  name: string;
  url: string;
}

/**
 * FeddBackendSettings: the testbeds converge federates, the identity it presents (a client
 * certificate and key, by reference; absent with embedded testbeds: the simulator's client
 * certificate), and where the exchange store (SetValue/GetValue) listens and is reached.
 */
export interface FeddBackendSettings {
  testbeds: FeddTestbed[];
  identity?: { certificate: CredentialRef; key: CredentialRef };
  exchange: { listen: string; url?: string };
}

export interface NetworkSpec {
  name: string;
  outbound: boolean;
  /** outports like "22/tcp" or "8000:8010/tcp", only meaningful for outbound networks. */
  outports: string[];
  /** capacityKbps is the link rate in kbit/s (fedd: topdl substrate capacity). */
  capacityKbps?: number;
  /** latencyMs is the link latency (fedd: topdl substrate latency). */
  latencyMs?: number;
  /** connection joins the parts of a network that spans testbeds (fedd): ssh portals or transit. */
  connection?: 'ssh' | 'transit';
}

export interface DiskSpec {
  sizeBytes: number;
  mountPath?: string;
  fstype?: string;
}

export interface InterfaceSpec {
  network: string;
  dnsName?: string;
}

export interface SystemSpec {
  name: string;
  cpu: { count: number; arch?: 'x86_64' | 'i386' };
  memoryBytes: number;
  image: string;
  disks: DiskSpec[];
  interfaces: InterfaceSpec[];
  /** configure is an Ansible task list (YAML text) run by IM's contextualization. */
  configure?: string;
  /** testbed places the system on a DETER testbed (fedd only). */
  testbed?: string;
  /** hardware is the testbed node type (fedd: topdl `type` attribute, e.g. pc3000). */
  hardware?: string;
  /** startup is the command each instance runs at boot (fedd: topdl `startup`). */
  startup?: string;
  /** failureAction: a `nonfatal` instance may fail without failing its segment (fedd). */
  failureAction?: 'fatal' | 'nonfatal';
}

/** ServiceSpec is a federated service (fedd): one exporting testbed, the testbeds importing it. */
export interface ServiceSpec {
  name: string;
  exporter: string;
  importers: string[];
  attributes: Record<string, string>;
}

export interface InfrastructureSpec {
  backend: string;
  networks: NetworkSpec[];
  systems: SystemSpec[];
  deploy: Record<string, number>;
  power: 'running' | 'stopped';
  deletionPolicy: DeletionPolicy;
  /** updatePolicy: restart allows changes that need a halted VM (xenapi). */
  updatePolicy: 'inPlace' | 'restart';
  /** services are federated services between testbeds (fedd only). */
  services?: ServiceSpec[];
}

/** RenewalPolicy: a lease with less than `marginMs` left is renewed (DESIGN §3, leases). */
export interface RenewalPolicy {
  marginMs: number;
}

/** SliverState is what a delegated slice's sliver on one node should be. */
export type SliverState = 'running' | 'stopped' | 'absent';

/**
 * SliceRenewal: a slice with less than `renewBeforeMs` left is renewed to `extendToMs` from now
 * (leases are desired state, DESIGN §3); with `enabled` false it is left to expire.
 */
export interface SliceRenewal {
  enabled: boolean;
  renewBeforeMs: number;
  extendToMs: number;
}

/**
 * SliceSpec is what a loaded Slice's spec holds (defaults applied). A type alias, not an
 * interface, so that it stays assignable to SliceResource's `Record<string, unknown>` spec.
 */
export type SliceSpec = {
  backend: string;
  /** name is the slice's name at PLC (`<login_base>_<rest>`). */
  name: string;
  instantiation: 'plc-instantiated' | 'delegated' | 'nm-controller';
  description?: string;
  url?: string;
  maxNodes?: number;
  nodes: string[];
  /** persons are the members' e-mail addresses. */
  persons: string[];
  /** tags are slice-wide tags, each name with its values (one or more). */
  tags: Record<string, string[]>;
  /** controller is the nm-controller slice that redeems tickets for a delegated slice. */
  controller?: string;
  /** slivers: per node of a delegated slice, the sliver wanted (`default` for nodes not listed). */
  slivers: { default: SliverState; nodes: Record<string, SliverState> };
  renewal: SliceRenewal;
  deletionPolicy: DeletionPolicy;
};

/** VesselSetSpec is what a loaded VesselSet's spec holds (defaults applied; counts default 0). */
export type VesselSetSpec = {
  backend: string;
  vessels: { lan: number; wan: number; nat: number; random: number };
  renewal: RenewalPolicy;
  deletionPolicy: DeletionPolicy;
};

export interface ResourceBase<K extends Kind, S> {
  apiVersion: 'converge/v1';
  kind: K;
  metadata: Metadata;
  spec: S;
  /** source locates the document; `locate` finds a field inside it for later diagnostics. */
  source: SourceLocation;
}

export type BackendResource = ResourceBase<'Backend', BackendSpec>;
export type InfrastructureResource = ResourceBase<'Infrastructure', InfrastructureSpec>;
export type SliceResource = ResourceBase<'Slice', SliceSpec>;
export type VesselSetResource = ResourceBase<'VesselSet', VesselSetSpec>;

export type Resource = BackendResource | InfrastructureResource | SliceResource | VesselSetResource;
export type WorkloadResource = Exclude<Resource, BackendResource>;

/** Severity of a diagnostic; only errors make a manifest set invalid. */
export type Severity = 'error' | 'warning';

/**
 * DiagnosticCode is the closed set of manifest problems. Stable: tools and tests match on them.
 */
export type DiagnosticCode =
  | 'YAML_SYNTAX'
  | 'SCHEMA'
  | 'UNKNOWN_KIND'
  | 'UNSUPPORTED_API_VERSION'
  | 'DUPLICATE_NAME'
  | 'MISSING_BACKEND'
  | 'BACKEND_KIND_MISMATCH'
  | 'UNKNOWN_NETWORK'
  | 'UNKNOWN_SYSTEM'
  | 'DUPLICATE_MEMBER'
  | 'BAD_UNIT'
  | 'BAD_DURATION'
  | 'INLINE_SECRET'
  | 'CREDENTIAL_UNREADABLE'
  | 'EMPTY_DIRECTORY'
  | 'READ_ERROR'
  | 'UNKNOWN_TESTBED'
  | 'MISSING_TESTBED'
  | 'MISSING_CONNECTION'
  | 'UNSUPPORTED_FIELD'
  | 'SLICE_CONTROLLER'
  | 'SLICE_RENEWAL'
  | 'SLICE_SLIVERS'
  | 'SLICE_TAGS'
  | 'BACKEND_TYPE_UNSUPPORTED';

export interface Diagnostic {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  file: string;
  line: number;
  col: number;
}

/** ManifestSet is the result of loading a directory: resources plus every problem found. */
export interface ManifestSet {
  dir: string;
  files: string[];
  resources: Resource[];
  diagnostics: Diagnostic[];
  /** digest is a sha256 over the normalised resources, recorded in plans to detect staleness. */
  digest: string;
}

/** BACKEND_KINDS says which manifest kinds each backend type serves (DESIGN §1). */
export const BACKEND_KINDS: Record<BackendType, readonly Kind[]> = {
  im: ['Infrastructure'],
  xenapi: ['Infrastructure'],
  planetlab: ['Slice'],
  seattle: ['VesselSet'],
  fedd: ['Infrastructure'],
};
