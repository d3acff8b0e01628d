/**
 * startSeattleSimulator serves a SeattleSimulator over HTTP at the Clearinghouse's path
 * (`/xmlrpc/`, also `/xmlrpc`); `url` includes the path. Unknown methods get fault 1 with the
 * Python dispatcher's text. (The real service is HTTPS on 443 behind Apache; this is plain HTTP.)
 */
import { startXmlRpcServer } from '../../../xmlrpc/server.js';
import { unknownMethod } from './api/faults.js';
import { SeattleSimulator, type SeattleSimulatorOptions } from './simulator.js';

export const SEATTLE_XMLRPC_PATH = '/xmlrpc/';

export interface RunningSeattleSimulator {
  url: string;
  port: number;
  sim: SeattleSimulator;
  close(): Promise<void>;
}

export async function startSeattleSimulator(
  options: SeattleSimulatorOptions & { host?: string; port?: number } = {},
): Promise<RunningSeattleSimulator> {
  const sim = new SeattleSimulator(options);
  const server = await startXmlRpcServer({
    host: options.host,
    port: options.port,
    paths: [SEATTLE_XMLRPC_PATH, '/xmlrpc'],
    dispatch: (method) => sim.dispatch(method),
    unknownMethodFault: unknownMethod,
    knobs: sim.knobs,
    notFoundBody: 'Page not found',
  });
  return { url: new URL(SEATTLE_XMLRPC_PATH, server.url).href, port: server.port, sim, close: () => server.close() };
}
