/**
 * DRIVER_TYPES are the backend types that have a driver behind openDriver (registry.ts). It is
 * plain data with no imports so that the manifest checks can reject, at `validate`, a type the
 * schema knows but this build cannot drive. The schema's `spec.type` enum must list exactly
 * these (test/backends/backend-types.test.ts); adding a type means adding its driver, its
 * schema enum value and this entry together.
 */
import type { BackendType } from '../manifest/types.js';

export const DRIVER_TYPES: readonly BackendType[] = ['im', 'xenapi', 'planetlab', 'seattle', 'fedd'];
