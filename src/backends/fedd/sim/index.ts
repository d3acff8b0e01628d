/** The DETER federation (fedd) access-controller simulator (fedd.md §6): several testbeds in one process. */
export { startFeddSimulator, type RunningFeddSimulator, type RunningTestbed } from './server.js';
export { FeddSimulator } from './simulator.js';
export { defaultPolicy, type FeddSimulatorOptions, type FeddTestbedOptions } from './options.js';
export type { TestbedPolicy, SegmentStatus, NodeStatus } from './model/types.js';
export type { StartFailurePlan } from './model/access-controller.js';
export type { TestbedDump, AllocationDump } from './dump.js';
export type { LoggedMessage } from './message-log.js';
export { FEDD_CONTROL_PREFIX } from './control.js';
export { ACCESS_CONTROLLER_METHODS } from './api/table.js';
export { FEDD_ERROR_CODES, UNKNOWN_METHOD_CODE, isFeddErrorName, type FeddErrorName } from './wire/fault-codes.js';
export { FEDD_SCHEMA, OPERATION_TYPES, type TypeSpec, type ComplexTypeSpec, type EnumTypeSpec, type FieldSpec } from './wire/schema.js';
export { checkShape } from './wire/check-shape.js';
export { fedidOfCertificate, fedidHex, fedidText, parseFedidText, FEDID_BYTES } from './pki/fedid.js';
export { createAuthority, issueCertificate, selfSignedCertificate, type Identity } from './pki/certificates.js';
