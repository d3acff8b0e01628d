/** The IM (grycap Infrastructure Manager v1.19.2) XML-RPC simulator. */
export { ImSimulator, type ImSimulatorOptions } from './simulator.js';
export { startImSimulator, type RunningImSimulator } from './server.js';
export type { ImSimDump } from './controls.js';
