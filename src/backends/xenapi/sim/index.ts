/** The XenAPI (xapi) XML-RPC simulator. */
export { MAX_HOSTS, XenApiSimulator, type XenApiSimulatorOptions, type XenSimDump } from './simulator.js';
export { startXenApiSimulator, type RunningXenApiSimulator } from './server.js';
export { SEED_UUIDS } from './seed/uuids.js';
export { provisionSpec } from './seed/templates.js';
