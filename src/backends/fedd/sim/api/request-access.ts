/**
 * RequestAccess (fedd.md §4, §6.3): only a caller whose certificate's fedid is on the testbed's
 * authorization list may ask (others: `Access Denied`, nothing created). `project:<p>` credentials
 * must name one of the testbed's projects (else `Access Denied`); `user:<u>` is recorded. The
 * grant is a new allocation with a fresh key pair whose fedid is the allocID; requested services
 * come back with meta-services expanded.
 */
import type { XmlRpcStruct } from '../../../../xmlrpc/value.js';
import { fedidHex, fedidText } from '../pki/fedid.js';
import { expandServices, readService, serviceInfo } from '../model/services.js';
import { structs } from '../model/topology.js';
import type { AllocationRecord } from '../model/types.js';
import { fedidId } from '../wire/envelope.js';
import { accessDenied } from '../wire/fault-codes.js';
import type { OpContext } from './context.js';
import { proof } from './proof.js';

export async function requestAccess(ctx: OpContext, body: XmlRpcStruct): Promise<XmlRpcStruct> {
  const { ac, caller } = ctx;
  if (caller === undefined || !ac.isAuthorized(caller)) {
    throw accessDenied(`Access denied: ${caller ? fedidText(caller) : 'a caller without a certificate'} may not request access to testbed ${ac.name}`);
  }
  const { project, user } = readCredentials(ctx, Array.isArray(body.credential) ? body.credential.map(String) : []);
  const services = expandServices(structs(body.service).map(readService));
  const identity = await ac.deps.pki.newAllocationIdentity(ac.name);
  const id = fedidHex(identity.fedid);
  const record: AllocationRecord = {
    id,
    owner: caller,
    project,
    ...(user ? { user } : {}),
    eid: `fedd-${id.slice(0, 8)}`,
    createdAt: ac.deps.clock.now(),
    services,
    status: 'empty',
    segment: null,
    log: [`access to ${ac.name} granted to ${fedidText(caller)} for project ${project}: allocation ${fedidText(id)}`],
    starts: 0,
  };
  ac.state.allocations.push(record);
  ac.deps.persist();
  return {
    allocID: fedidId(identity.fedid),
    ...(services.length > 0 ? { service: services.map(serviceInfo) } : {}),
    fedAttr: [
      { attribute: 'domain', value: ac.state.policy.domain },
      { attribute: 'project', value: project },
    ],
    proof: proof(ctx),
  };
}

function readCredentials(ctx: OpContext, credentials: string[]): { project: string; user?: string } {
  const projects = ctx.ac.state.policy.projects;
  let project = projects[0] ?? 'default';
  let user: string | undefined;
  for (const credential of credentials) {
    const [kind, ...rest] = credential.split(':');
    const value = rest.join(':');
    if (kind === 'project') {
      if (!projects.includes(value)) throw accessDenied(`Access denied: project ${value} has no access to testbed ${ctx.ac.name}`);
      project = value;
    } else if (kind === 'user') {
      user = value;
    }
  }
  return user ? { project, user } : { project };
}
