/**
 * PlanInput is everything the pure planner reads: what is desired, what was observed (and what
 * observation learned about keys in motion, contested or surplus), what state remembers, and
 * the per-backend rules. Plain data, so planner tests are tables.
 */
import type { DesiredObject, ObservedObject, PlanHooks } from '../backends/driver.js';
import type { StateSnapshot } from '../state/types.js';

/** BlockedKey says why a key gets no action: a stable code and a message for people. */
export interface BlockedKey {
  code: string;
  message: string;
}

/** SurplusCopy is a live copy of key `of` that converge does not keep (see engine surplus.ts). */
export interface SurplusCopy {
  object: ObservedObject;
  of: string;
  /** kept describes the copy kept under `of`; absent when no copy is provably converge's. */
  kept?: string;
}

export interface PlanInput {
  desired: DesiredObject[];
  observed: ObservedObject[];
  state: Pick<StateSnapshot, 'lineage' | 'serial' | 'objects'>;
  hooks: Record<string, PlanHooks>;
  prune: (backend: string) => boolean;
  manifestsDigest: string;
  now: Date;
  generator: string;
  /** inMotion maps keys to what they wait for: no action is planned for them. */
  inMotion?: ReadonlyMap<string, string>;
  /**
   * blocked maps keys that must get no action and fail, with why: several live copies none of
   * which is provably ours (DUPLICATE_OBJECTS), or only another owner's copy (OTHER_OWNER).
   */
  blocked?: ReadonlyMap<string, BlockedKey>;
  /** surplus are live copies of keys that converge does not keep. */
  surplus?: readonly SurplusCopy[];
  /** gone maps recorded keys to the backend's proof that they no longer exist. */
  gone?: ReadonlyMap<string, string>;
  /**
   * replace names live desired keys to replace (delete, then create) even without a change
   * (`--replace KEY`). Destroy-then-create, never create-before-destroy: objects are found by
   * converge's marker (owner + key), so a second live copy of a key would be a surplus copy, and
   * some backends name objects uniquely (PlanetLab slices). Keys held back stay held back.
   */
  replace?: ReadonlySet<string>;
}

