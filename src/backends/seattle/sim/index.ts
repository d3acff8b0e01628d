/** The Seattle Clearinghouse XML-RPC simulator (seattle.md). */
export { SeattleSimulator, type SeattleSimulatorOptions, type NodePatch } from './simulator.js';
export { startSeattleSimulator, SEATTLE_XMLRPC_PATH, type RunningSeattleSimulator } from './server.js';
export type { SeattleSimDump } from './dump.js';
export { DEFAULT_ACCOUNT, type AccountOptions } from './model/accounts.js';
export { DEFAULT_AVAILABILITY, type Availability } from './model/availability.js';
export type { NodeKind, RspecType } from './model/types.js';
export {
  FAULT_UNKNOWN_METHOD,
  FAULT_INTERNAL,
  FAULT_AUTH,
  FAULT_INVALID_REQUEST,
  FAULT_NOT_ENOUGH_CREDITS,
  FAULT_UNABLE_TO_ACQUIRE,
  type SeattleFaultCode,
} from './api/faults.js';
export { generateSeattleKeyPair, rsaDecrypt, rsaEncrypt } from './rsa.js';
