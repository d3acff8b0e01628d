/** The IM (grycap Infrastructure Manager v1.19.2) XML-RPC simulator. */
export { ImSimulator, type ImSimulatorOptions, type ImSimSettings } from './simulator.js';
export type { Overlap } from './model/overlaps.js';
export { startImSimulator, type RunningImSimulator } from './server.js';
export type { ImSimDump } from './controls.js';
export { readUserDb } from './user-db.js';
