/**
 * startImSimulator serves an ImSimulator over HTTP the way IM's SimpleXMLRPCServer does: POST on
 * `/` or `/RPC2`, Python's Server header, gzip for large replies to clients that accept it, one
 * call per connection (BaseHTTPRequestHandler speaks HTTP/1.0 and closes after each reply), and
 * a listen backlog (the simulator's `backlog` knob) that makes too many connections at once cost.
 */
import { startXmlRpcServer } from '../../../xmlrpc/server.js';
import { ImSimulator, type ImSimulatorOptions } from './simulator.js';

export interface RunningImSimulator {
  url: string;
  port: number;
  sim: ImSimulator;
  close(): Promise<void>;
}

export async function startImSimulator(
  options: ImSimulatorOptions & { host?: string; port?: number } = {},
): Promise<RunningImSimulator> {
  const sim = new ImSimulator(options);
  const server = await startXmlRpcServer({
    host: options.host,
    port: options.port,
    paths: ['/', '/RPC2'],
    dispatch: (method) => sim.dispatch(method),
    knobs: sim.knobs,
    serverHeader: 'BaseHTTP/0.6 Python/3.11.2',
    closeAfterReply: true,
  });
  return { url: server.url, port: server.port, sim, close: () => server.close() };
}
