/**
 * The controller's HTTP endpoints (DESIGN §8): `/healthz`, `/metrics` (Prometheus text),
 * `/status` (JSON), `/events` (JSON, recent events) and `/` (the same as a small self-contained HTML page). Read-only, GET and
 * HEAD only; every body passes through the redactor.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { redact } from '../../errors/redact.js';
import { EVENTS_FORMAT_VERSION, type ControllerEvent, type EventFilter } from '../events/event-history.js';
import type { StatusDocument } from '../status/status-document.js';
import { urlOf, type ListenAddress } from './listen-address.js';
import { renderStatusPage } from './status-page.js';

export interface EndpointSources {
  /** health is ok while the controller runs and holds its lock. */
  health(): { ok: boolean; detail: string };
  metrics(): Promise<{ text: string; contentType: string }>;
  status(): Promise<StatusDocument>;
  /** events lists the recent events, oldest first (`/events?resource=Kind/name&limit=N`). */
  events(filter: EventFilter): ControllerEvent[];
}

/** Endpoints is the running server: its base URL and how to stop it (open connections included). */
export interface Endpoints {
  url: string;
  close(): Promise<void>;
}

/** serveEndpoints listens on `address` and serves `sources` until `close`. */
export async function serveEndpoints(address: ListenAddress, sources: EndpointSources): Promise<Endpoints> {
  const server = createServer((req, res) => {
    route(req, sources).then(
      (reply) => send(res, req, reply),
      (error: unknown) => send(res, req, { status: 500, type: 'text/plain; charset=utf-8', body: `internal error: ${(error as Error).message}\n` }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return {
    url: urlOf(bound.address, bound.port),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface Reply {
  status: number;
  type: string;
  body: string;
}

async function route(req: IncomingMessage, sources: EndpointSources): Promise<Reply> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, type: 'text/plain; charset=utf-8', body: 'method not allowed\n' };
  const url = new URL(req.url ?? '/', 'http://localhost');
  switch (url.pathname) {
    case '/healthz': {
      const health = sources.health();
      return { status: health.ok ? 200 : 503, type: 'text/plain; charset=utf-8', body: `${health.detail}\n` };
    }
    case '/metrics': {
      const metrics = await sources.metrics();
      return { status: 200, type: metrics.contentType, body: metrics.text };
    }
    case '/status':
      return { status: 200, type: 'application/json; charset=utf-8', body: `${JSON.stringify(await sources.status(), null, 2)}\n` };
    case '/events':
      return eventsReply(url.searchParams, sources);
    case '/':
    case '/index.html':
      return { status: 200, type: 'text/html; charset=utf-8', body: renderStatusPage(await sources.status()) };
    default:
      return { status: 404, type: 'text/plain; charset=utf-8', body: 'not found: try /, /status, /events, /metrics or /healthz\n' };
  }
}

/** eventsReply serves `{formatVersion: 1, events: [...]}`; a bad `limit` is a 400. */
function eventsReply(query: URLSearchParams, sources: EndpointSources): Reply {
  const resource = query.get('resource') ?? undefined;
  const limitText = query.get('limit');
  const limit = limitText === null ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) return { status: 400, type: 'text/plain; charset=utf-8', body: `limit=${limitText}: expected a whole number of at least 1\n` };
  const events = sources.events({ ...(resource ? { resource } : {}), ...(limit ? { limit } : {}) });
  return { status: 200, type: 'application/json; charset=utf-8', body: `${JSON.stringify({ formatVersion: EVENTS_FORMAT_VERSION, events }, null, 2)}\n` };
}

function send(res: ServerResponse, req: IncomingMessage, reply: Reply): void {
  const body = redact(reply.body);
  res.writeHead(reply.status, { 'content-type': reply.type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}
