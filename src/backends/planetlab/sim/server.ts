/**
 * startPlanetLabSimulator serves one PlanetLab on 127.0.0.1: PLC at `<url>/PLCAPI/` (POST only;
 * plain HTTP where the real one is HTTPS on 443) and one Node Manager per node on its own port
 * (paths `/` and `/RPC2`, as the NM's SimpleXMLRPCServer; the caller comes from the forwarder's
 * header, see nm-simulator.ts). `ssh` is the in-process stand-in for `ssh <login>@<node>`.
 *
 * With a fixed `port`, PLC listens on it and node i on port + i; with port 0 every server takes
 * a free port. PLC's call log never holds the first argument of an API call (the auth struct,
 * with its password or session key), nor system.multicall's calls, which carry auth structs.
 */
import { startXmlRpcServer, type RunningXmlRpcServer } from '../../../xmlrpc/server.js';
import { invalidMethod } from './plc/api/faults.js';
import { PLC_METHODS } from './plc/api/plc-api.js';
import { sshPipe, type SshExchange, type SshRequest } from './forwarder/ssh-pipe.js';
import { PlanetLabSimulator, type PlanetLabSimulatorOptions } from './planetlab-simulator.js';

/** PLC_API_PATH is where PLC answers XML-RPC. */
export const PLC_API_PATH = '/PLCAPI/';

const NOT_FOUND_PAGE =
  '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n';

/** RunningNode is one node as served: its hostname at PLC, its node_id and its NM's URL. */
export interface RunningNode {
  hostname: string;
  nodeId: number;
  url: string;
}

/** RunningPlanetLabSimulator is a served instance; close() stops every server (state stays saved). */
export interface RunningPlanetLabSimulator {
  /** url is PLC's API URL (`http://127.0.0.1:<port>/PLCAPI/`). */
  url: string;
  port: number;
  nodes: RunningNode[];
  sim: PlanetLabSimulator;
  /** ssh runs one XML-RPC-over-ssh session against a node without sshd (see ssh-pipe.ts). */
  ssh(request: SshRequest): Promise<SshExchange>;
  close(): Promise<void>;
}

/** startPlanetLabSimulator listens for PLC and every node; on failure nothing is left listening. */
export async function startPlanetLabSimulator(options: PlanetLabSimulatorOptions & { host?: string; port?: number } = {}): Promise<RunningPlanetLabSimulator> {
  const sim = new PlanetLabSimulator(options);
  const servers: RunningXmlRpcServer[] = [];
  try {
    const plc = await startXmlRpcServer({
      host: options.host,
      port: options.port,
      paths: [PLC_API_PATH],
      dispatch: (method) => sim.plc.dispatch(method),
      unknownMethodFault: invalidMethod,
      knobs: sim.knobs,
      secretParams: Object.fromEntries([...PLC_METHODS.map((m) => m.name), 'system.multicall'].map((name) => [name, [0]])),
      notFoundBody: NOT_FOUND_PAGE,
      serverHeader: 'Apache',
    });
    servers.push(plc);
    const nodes = await startNodes(sim, options, servers);
    return {
      url: new URL(PLC_API_PATH, plc.url).href,
      port: plc.port,
      nodes,
      sim,
      ssh: (request) => sshPipe(request, (hostname) => sshTarget(sim, nodes, hostname)),
      close: () => Promise.all(servers.map((s) => s.close())).then(() => undefined),
    };
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()));
    throw error;
  }
}

async function startNodes(sim: PlanetLabSimulator, options: { host?: string; port?: number }, servers: RunningXmlRpcServer[]): Promise<RunningNode[]> {
  const nodes: RunningNode[] = [];
  for (const [i, nm] of sim.nodes.entries()) {
    const server = await startXmlRpcServer({
      host: options.host,
      port: options.port ? options.port + i + 1 : 0,
      paths: ['/', '/RPC2'],
      dispatch: (method) => nm.dispatch(method),
      knobs: nm.knobs,
      serverHeader: 'BaseHTTP/0.6 Python/3.9.16',
    });
    servers.push(server);
    sim.nodeUrls.set(nm.hostname, server.url);
    nodes.push({ hostname: nm.hostname, nodeId: nm.nodeId, url: server.url });
  }
  return nodes;
}

function sshTarget(sim: PlanetLabSimulator, nodes: RunningNode[], hostname: string): { nmUrl: string; controllerKeys(login: string): string | undefined } | undefined {
  const node = nodes.find((n) => n.hostname === hostname);
  const nm = sim.node(hostname);
  if (!node || !nm) return undefined;
  return {
    nmUrl: node.url,
    controllerKeys: (login) => {
      sim.settle();
      const account = nm.account(login);
      return account?.kind === 'controller' ? account.keys : undefined;
    },
  };
}
