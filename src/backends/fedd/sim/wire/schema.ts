/**
 * The message types of the access-controller operations, transcribed from fedd's own
 * fedd_types.xsd and topdl.xsd (test/fixtures/fedd/, see its README): every element with its
 * type, minOccurs and maxOccurs, in the schemas' order. Only the types reachable from
 * RequestAccess, StartSegment, TerminateSegment, ReleaseAccess, InfoSegment, OperationSegment,
 * SetValue and GetValue are here. A test reads the real XSDs and checks this table against them,
 * so the simulator's checks (check-shape.ts) are the schemas' own rules.
 *
 * Type names are `fedd:<name>` (http://www.isi.edu/fedd_types), `topdl:<name>`
 * (http://www.isi.edu/topdl) or `xsd:<name>`. An element whose XSD puts an enumeration inside
 * the element (serviceInfoType.visibility, operationStatusType.code) carries it in `enum`.
 */

/** FieldSpec is one `<xsd:element>` (or `<xsd:attribute>`) of a complex type. */
export interface FieldSpec {
  name: string;
  type: string;
  min: 0 | 1;
  max: 1 | 'unbounded';
  enum?: string[];
}

/** ComplexTypeSpec is a complexType: a sequence (any subset per min/max) or a choice (exactly one). */
export interface ComplexTypeSpec {
  kind: 'sequence' | 'choice';
  fields: FieldSpec[];
  /** attributes are XML attributes (cpuType's count): optional members in the XML-RPC form. */
  attributes?: FieldSpec[];
}

/** EnumTypeSpec is a simpleType restricting xsd:string to `values`. */
export interface EnumTypeSpec {
  kind: 'enum';
  values: string[];
}

export type TypeSpec = ComplexTypeSpec | EnumTypeSpec;

const one = (name: string, type: string, values?: string[]): FieldSpec => ({ name, type, min: 1, max: 1, ...(values ? { enum: values } : {}) });
const opt = (name: string, type: string): FieldSpec => ({ name, type, min: 0, max: 1 });
const many = (name: string, type: string): FieldSpec => ({ name, type, min: 0, max: 'unbounded' });
const some = (name: string, type: string): FieldSpec => ({ name, type, min: 1, max: 'unbounded' });
const seq = (...fields: FieldSpec[]): ComplexTypeSpec => ({ kind: 'sequence', fields });
const choice = (...fields: FieldSpec[]): ComplexTypeSpec => ({ kind: 'choice', fields });
const enumOf = (...values: string[]): EnumTypeSpec => ({ kind: 'enum', values });

const S = 'xsd:string';
const B64 = 'xsd:base64Binary';
const ID = 'fedd:IDType';
const ATTR = 'fedd:fedAttrType';
const PROOF = 'fedd:proofType';
const TATTR = 'topdl:attributeType';
const IFACE = 'topdl:interfaceType';
const STATUS = 'fedd:statusType';

const FEDD_TYPES: Record<string, TypeSpec> = {
  'fedd:IDType': choice(one('uuid', B64), one('fedid', B64), one('uri', S), one('localname', S), one('kerberosUsername', S)),
  'fedd:proofType': seq(one('prover', S), one('principal', S), one('attribute', S), many('credential', B64)),
  'fedd:statusType': enumOf('empty', 'active', 'inactive', 'starting', 'terminating', 'failed'),
  'fedd:fedAttrType': seq(one('attribute', S), one('value', S)),
  'fedd:resourcesType': seq(opt('experimentdescription', 'fedd:experimentDescriptionType')),
  'fedd:experimentDescriptionType': choice(one('ns2description', B64), one('topdldescription', 'topdl:topologyType')),
  'fedd:connectionType': enumOf('ssh', 'transit'),
  'fedd:memberType': seq(one('element', S), opt('interface', S)),
  'fedd:connectionParameterIOType': enumOf('input', 'output'),
  'fedd:connectionParameterType': seq(one('name', S), one('key', S), one('store', S), one('type', 'fedd:connectionParameterIOType')),
  'fedd:connectionInfoType': seq(
    one('type', 'fedd:connectionType'),
    opt('portal', S),
    opt('peer', S),
    many('member', 'fedd:memberType'),
    many('fedAttr', ATTR),
    many('parameter', 'fedd:connectionParameterType'),
  ),
  'fedd:serviceInfoType': seq(opt('id', S), one('name', S), opt('server', S), many('fedAttr', ATTR), one('visibility', S, ['export', 'import', 'composition'])),
  'fedd:operationStatusType': seq(one('target', S), one('code', 'xsd:int', ['0', '1', '2', '3', '4', '5', '6', '7', '8']), opt('description', S)),
  'fedd:accessRequestType': seq(
    many('credential', S),
    many('abac_credential', B64),
    opt('resources', 'fedd:resourcesType'),
    many('service', 'fedd:serviceInfoType'),
    opt('when', 'xsd:dateTime'),
    opt('until', 'xsd:dateTime'),
  ),
  'fedd:accessResponseType': seq(
    one('allocID', ID),
    many('service', 'fedd:serviceInfoType'),
    opt('when', 'xsd:dateTime'),
    opt('until', 'xsd:dateTime'),
    many('fedAttr', ATTR),
    one('proof', PROOF),
  ),
  'fedd:releaseRequestType': seq(one('allocID', ID)),
  'fedd:releaseResponseType': seq(one('allocID', ID), one('proof', PROOF)),
  'fedd:startSegmentRequestType': seq(
    one('allocID', ID),
    one('segmentdescription', 'fedd:experimentDescriptionType'),
    many('service', 'fedd:serviceInfoType'),
    many('connection', 'fedd:connectionInfoType'),
    many('fedAttr', ATTR),
  ),
  'fedd:startSegmentResponseType': seq(
    one('allocID', ID),
    opt('allocationLog', S),
    one('segmentdescription', 'fedd:experimentDescriptionType'),
    many('fedAttr', ATTR),
    one('proof', PROOF),
  ),
  'fedd:terminateSegmentRequestType': seq(one('allocID', ID), opt('force', 'xsd:boolean')),
  'fedd:terminateSegmentResponseType': seq(one('allocID', ID), opt('deallocationLog', S), one('proof', PROOF)),
  'fedd:infoSegmentRequestType': seq(one('allocID', ID)),
  'fedd:infoSegmentResponseType': seq(one('allocID', ID), opt('segmentdescription', 'fedd:experimentDescriptionType'), many('fedAttr', ATTR), one('proof', PROOF)),
  'fedd:operationSegmentRequestType': seq(one('allocID', ID), one('operation', S), some('target', S), many('parameter', ATTR)),
  'fedd:operationSegmentResponseType': seq(one('allocID', ID), some('status', 'fedd:operationStatusType'), one('proof', PROOF)),
  'fedd:setValueRequestType': seq(one('name', S), one('value', S)),
  'fedd:setValueResponseType': seq(one('name', S), one('value', S), one('proof', PROOF)),
  'fedd:getValueRequestType': seq(one('name', S), one('wait', 'xsd:boolean')),
  'fedd:getValueResponseType': seq(one('name', S), opt('value', S), one('proof', PROOF)),
};

const TOPDL_TYPES: Record<string, TypeSpec> = {
  'topdl:attributeType': seq(one('attribute', S), one('value', S)),
  'topdl:kindType': enumOf('max', 'average'),
  'topdl:capacityType': seq(one('rate', 'xsd:double'), one('kind', 'topdl:kindType')),
  'topdl:latencyType': seq(one('time', 'xsd:double'), one('kind', 'topdl:kindType')),
  'topdl:serviceParamTypeType': enumOf('string', 'int', 'float'),
  'topdl:serviceParamType': seq(one('name', S), one('type', 'topdl:serviceParamTypeType')),
  'topdl:serviceType': seq(one('name', S), many('importer', S), many('param', 'topdl:serviceParamType'), opt('description', S), opt('status', STATUS)),
  'topdl:substrateType': seq(
    one('name', S),
    opt('capacity', 'topdl:capacityType'),
    opt('latency', 'topdl:latencyType'),
    many('attribute', TATTR),
    many('localname', S),
    opt('status', STATUS),
    many('service', 'topdl:serviceType'),
    many('operation', S),
  ),
  'topdl:cpuType': { ...seq(one('type', S), many('attribute', TATTR)), attributes: [opt('count', 'xsd:int')] },
  'topdl:persistenceType': enumOf('temporary', 'persistent'),
  'topdl:storageType': seq(one('amount', 'xsd:double'), one('persistence', 'topdl:persistenceType'), many('attribute', TATTR)),
  'topdl:operatingsystemType': seq(opt('name', S), opt('version', S), opt('distribution', S), opt('distributionversion', S), many('attribute', TATTR)),
  'topdl:softwareType': seq(one('location', S), opt('install', S), many('attribute', TATTR)),
  'topdl:interfaceType': seq(some('substrate', S), one('name', S), opt('capacity', 'topdl:capacityType'), opt('latency', 'topdl:latencyType'), many('attribute', TATTR)),
  'topdl:computerType': seq(
    one('name', S),
    many('cpu', 'topdl:cpuType'),
    many('os', 'topdl:operatingsystemType'),
    many('software', 'topdl:softwareType'),
    many('storage', 'topdl:storageType'),
    many('interface', IFACE),
    many('attribute', TATTR),
    many('localname', S),
    opt('status', STATUS),
    many('service', 'topdl:serviceType'),
    many('operation', S),
  ),
  'topdl:testbedType': seq(
    one('uri', S),
    one('type', S),
    many('interface', IFACE),
    many('attribute', TATTR),
    many('localname', S),
    opt('status', STATUS),
    many('service', 'topdl:serviceType'),
    many('operation', S),
  ),
  'topdl:segmentType': seq(one('id', ID), one('type', S), one('uri', S), many('interface', IFACE), many('attribute', TATTR)),
  'topdl:otherType': seq(many('interface', IFACE), many('attribute', TATTR)),
  'topdl:elementType': choice(one('computer', 'topdl:computerType'), one('testbed', 'topdl:testbedType'), one('segment', 'topdl:segmentType'), one('other', 'topdl:otherType')),
  'topdl:topologyType': seq(one('version', S), many('substrates', 'topdl:substrateType'), many('elements', 'topdl:elementType'), many('attribute', TATTR)),
};

/** FEDD_SCHEMA holds every type above, by qualified name. */
export const FEDD_SCHEMA: Readonly<Record<string, TypeSpec>> = { ...FEDD_TYPES, ...TOPDL_TYPES };

/** OperationTypes names an operation's request and response types. */
export interface OperationTypes {
  request: string;
  response: string;
}

/** OPERATION_TYPES: the WSDL's message parts for the operations an access controller serves or calls. */
export const OPERATION_TYPES: Readonly<Record<string, OperationTypes>> = {
  RequestAccess: { request: 'fedd:accessRequestType', response: 'fedd:accessResponseType' },
  ReleaseAccess: { request: 'fedd:releaseRequestType', response: 'fedd:releaseResponseType' },
  StartSegment: { request: 'fedd:startSegmentRequestType', response: 'fedd:startSegmentResponseType' },
  TerminateSegment: { request: 'fedd:terminateSegmentRequestType', response: 'fedd:terminateSegmentResponseType' },
  InfoSegment: { request: 'fedd:infoSegmentRequestType', response: 'fedd:infoSegmentResponseType' },
  OperationSegment: { request: 'fedd:operationSegmentRequestType', response: 'fedd:operationSegmentResponseType' },
  SetValue: { request: 'fedd:setValueRequestType', response: 'fedd:setValueResponseType' },
  GetValue: { request: 'fedd:getValueRequestType', response: 'fedd:getValueResponseType' },
};
