/**
 * The PlanetLab simulators (planetlab.md): a PLC (POST /PLCAPI/), one Node Manager per node, the
 * ssh forwarder, and an in-process ssh stand-in. `startPlanetLabSimulator` serves them all (for
 * `converge sim planetlab` and `url: embedded`); `forwardApiCall` is the forwarder behind
 * `converge sim planetlab-nm --forward <nm-url>`.
 */
export { startPlanetLabSimulator, PLC_API_PATH, type RunningPlanetLabSimulator, type RunningNode } from './server.js';
export { PlanetLabSimulator, type PlanetLabSimulatorOptions } from './planetlab-simulator.js';
export { NodeManagerSimulator, type NmDump } from './nm/nm-simulator.js';
export { NM_CALLER_HEADER, ANONYMOUS_CALLER } from './nm/caller.js';
export { forwardApiCall, MAX_REQUEST_BYTES, FORWARD_TIMEOUT_MS, type ForwardRequest, type ForwardResult } from './forwarder/forward-api-call.js';
export type { SshExchange, SshRequest } from './forwarder/ssh-pipe.js';
export { SEED_ACCOUNTS, SEED_NODE_COUNT, seedSshKey, type SeedAccount } from './seed.js';
export type { PlcDump } from './plc/control.js';
