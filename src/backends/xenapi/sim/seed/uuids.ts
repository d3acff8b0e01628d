/**
 * SEED_UUIDS are the fixed uuids of the seed fixture's objects, so tests and drivers can find
 * them with `<Class>.get_by_uuid` whatever the refs are.
 */
export const SEED_UUIDS = {
  pool: '2f1c8b7a-6d1e-4b8e-9c2d-0a1b2c3d4e01',
  host: '8e9a6c1d-3b2f-4f5e-8a7b-0a1b2c3d4e02',
  hostMetrics: '8e9a6c1d-3b2f-4f5e-8a7b-0a1b2c3d4e03',
  dom0: 'a0d0e0f0-1111-4222-8333-0a1b2c3d4e04',
  localSr: '5c2e7a9b-4d3f-4e6a-9b8c-0a1b2c3d4e05',
  localPbd: '5c2e7a9b-4d3f-4e6a-9b8c-0a1b2c3d4e06',
  toolsSr: '7d4f9b1c-5e6a-4f7b-8c9d-0a1b2c3d4e07',
  toolsPbd: '7d4f9b1c-5e6a-4f7b-8c9d-0a1b2c3d4e08',
  toolsIso: '7d4f9b1c-5e6a-4f7b-8c9d-0a1b2c3d4e09',
  network: '3a5b7c9d-1e2f-4a3b-8c4d-0a1b2c3d4e0a',
  pif: '3a5b7c9d-1e2f-4a3b-8c4d-0a1b2c3d4e0b',
  templateDebian: 'd3b1a2c4-0000-4000-8000-0a1b2c3d4e10',
  templateDebianLocal: 'd3b1a2c4-0000-4000-8000-0a1b2c3d4e11',
  templateOther: 'd3b1a2c4-0000-4000-8000-0a1b2c3d4e12',
} as const;
