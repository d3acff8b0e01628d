/**
 * Shapes of documents as users write them, valid by the JSON Schemas. Conversion casts a plain
 * document to these only after it passed the schema and the unit checks, and never before.
 */
import type { BackendType, CredentialRef, DeletionPolicy, Kind, PlanetLabSshSettings, SliverState } from '../types.js';

export interface ManifestShape<K extends Kind, S> {
  apiVersion: 'converge/v1';
  kind: K;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; previousNames?: string[] };
  spec: S;
}

export interface BackendManifestSpec {
  type: BackendType;
  url: string;
  credentials?: CredentialRef;
  tls?: { caFile?: string; insecureSkipVerify?: boolean };
  limits?: { concurrency?: number; connections?: number; callsPerSecond?: number };
  timeouts?: { call?: string; connect?: string; mutate?: string; settle?: string };
  prune?: boolean;
  options?: Record<string, unknown>;
  testbeds?: Array<string | { name: string; url?: string }>;
  identity?: { certificate: CredentialRef; key: CredentialRef };
  exchange?: { listen?: string; url?: string };
  ssh?: PlanetLabSshSettings;
}

export interface SystemManifest {
  name: string;
  cpu: number | { count: number; arch?: 'x86_64' | 'i386' };
  memory: string;
  image: string;
  disks?: Array<{ size: string; mountPath?: string; fstype?: string }>;
  interfaces?: Array<string | { network: string; dnsName?: string }>;
  configure?: string;
  testbed?: string;
  hardware?: string;
  startup?: string;
  failureAction?: 'fatal' | 'nonfatal';
}

export interface InfrastructureManifestSpec {
  backend: string;
  networks?: Array<{ name: string; outbound?: boolean; outports?: string[]; capacity?: string; latency?: string; connection?: 'ssh' | 'transit' }>;
  systems: SystemManifest[];
  deploy: Record<string, number>;
  power?: 'running' | 'stopped';
  deletionPolicy?: DeletionPolicy;
  updatePolicy?: 'inPlace' | 'restart';
  services?: Array<{ name: string; exporter: string; importers?: string[]; attributes?: Record<string, string> }>;
}

export interface SliceManifestSpec {
  backend: string;
  name: string;
  instantiation: 'plc-instantiated' | 'delegated' | 'nm-controller';
  description?: string;
  url?: string;
  maxNodes?: number;
  nodes?: string[];
  persons?: string[];
  tags?: Record<string, string | string[]>;
  controller?: string;
  slivers?: SliverState | { default?: SliverState; nodes?: Record<string, SliverState> };
  renewal?: { enabled?: boolean; renewBefore?: string; extendTo?: string };
  deletionPolicy?: DeletionPolicy;
}

export interface VesselSetManifestSpec {
  backend: string;
  vessels: { lan?: number; wan?: number; nat?: number; random?: number };
  renewal?: { margin?: string };
  deletionPolicy?: DeletionPolicy;
}
