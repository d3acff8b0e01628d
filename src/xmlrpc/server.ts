/**
 * startXmlRpcServer serves XML-RPC on 127.0.0.1 for the simulators, on Node's http module with the
 * `xmlrpc` package's codec. It exists because the package's own Server leaves malformed requests
 * unanswered and answers unknown methods with a bare 404; real servers answer those with a fault.
 *
 * Contract:
 * - POST on one of `paths` (default `/` and `/RPC2`) is a call; another path gets 404 with
 *   `notFoundBody`, any other verb 501 (as Python's SimpleXMLRPCServer does). With
 *   `acceptAnyPath`, POST on every path is a call (xapi's `/` handler catches all paths).
 * - A body that is not an XML-RPC call gets fault code 1 with expat's wording, or whatever
 *   `malformedRequest` answers (xapi: HTTP 500 with an HTML page).
 * - A method `dispatch` does not know gets `unknownMethodFault(method)` (default: code 1,
 *   `<class 'Exception'>:method "X" is not supported`, IM's wording).
 * - A handler throwing XmlRpcFault answers with that fault; anything else thrown answers with
 *   fault code 1 and the error's message, and is counted as `error` in the call log.
 * - With `knobs`, every API call is delayed, fault-injected and logged, `converge.sim.*`
 *   control methods are served, and connections go through the knobs' listen-backlog model
 *   (sim/backlog.ts; off unless set), control calls included since it acts per connection.
 * - Responses over `gzipThreshold` bytes are gzipped when the client accepts gzip.
 * - With `closeAfterReply`, every reply carries `Connection: close` and the connection ends
 *   after it, as with an HTTP/1.0 server (Python's BaseHTTPRequestHandler): each call of a
 *   keep-alive client then opens a new connection, as it does against the real server.
 * - With `tls`, the server speaks HTTPS; with `tls.requestCert` it asks every client for a
 *   certificate without checking who signed it (fedd accepts self-signed certificates and takes
 *   the key as the caller's identity), and handlers see it as `peerCertificate`.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeCall, encodeFault, encodeResponse } from './codec.js';
import { XmlRpcFault } from './fault.js';
import type { XmlRpcValue } from './value.js';
import type { SimKnobs } from './sim/knobs.js';
import { CONTROL_PREFIX, controlHandlers } from './sim/control.js';
import type { CallOutcome } from './sim/call-log.js';
import { LATE_REPLY_DEFAULT_MS, type FaultRule } from './sim/fault-rules.js';
import { ClientGone, requestPath } from './server-request.js';

export interface CallContext {
  method: string;
  headers: IncomingHttpHeaders;
  /** signal aborts when the client goes away before the answer. */
  signal: AbortSignal;
  /** peerCertificate is the client's TLS certificate, when the server has `tls` and the client sent one. */
  peerCertificate?: X509Certificate;
}

/** XmlRpcTlsOptions makes the server HTTPS: its key and certificate (PEM), and whether to ask clients for theirs. */
export interface XmlRpcTlsOptions {
  key: string;
  cert: string;
  /** requestCert asks for a client certificate; any certificate is accepted, none is too. */
  requestCert?: boolean;
}

export type MethodHandler = (params: XmlRpcValue[], call: CallContext) => XmlRpcValue | Promise<XmlRpcValue>;

export interface XmlRpcServerOptions {
  host?: string;
  port?: number;
  paths?: string[];
  dispatch: (method: string) => MethodHandler | undefined;
  unknownMethodFault?: (method: string) => XmlRpcFault;
  /**
   * encodeValue overrides the response encoding (XenAPI prints compact XML of its own). A reply
   * in pieces is the same text as their join; it is sent without joining them (sendPieces).
   */
  encodeValue?: (value: XmlRpcValue) => string | readonly string[];
  knobs?: SimKnobs;
  /** secretParams names positional parameters never to keep in the call log, per method. */
  secretParams?: Record<string, number[]>;
  gzipThreshold?: number | false;
  notFoundBody?: string;
  serverHeader?: string;
  /** acceptAnyPath serves POST on every path as XML-RPC; `paths` is then ignored. */
  acceptAnyPath?: boolean;
  /** malformedRequest answers a POST whose body is not an XML-RPC call (default: fault code 1). */
  malformedRequest?: (info: MalformedRequest) => PlainReply;
  /** closeAfterReply ends every connection after its reply (HTTP/1.0 servers). */
  closeAfterReply?: boolean;
  /**
   * classifyResult names the call-log outcome of a value a handler returned, for protocols that
   * answer failures as values (XenAPI's `{Status: "Failure"}`); undefined or absent: `ok`.
   */
  classifyResult?: (value: XmlRpcValue) => CallOutcome | undefined;
  /** tls serves HTTPS instead of HTTP. */
  tls?: XmlRpcTlsOptions;
}

export interface MalformedRequest {
  path: string;
  body: Buffer;
  error: Error;
}

export interface PlainReply {
  status: number;
  contentType: string;
  body: string;
}

/**
 * HttpReplyError, thrown by a handler, answers the call with a plain HTTP reply instead of a
 * fault (PLC answers an uncaught Python exception with HTTP 500).
 */
export class HttpReplyError extends Error {
  readonly reply: PlainReply;

  constructor(reply: PlainReply) {
    super(`HTTP ${reply.status}`);
    this.name = 'HttpReplyError';
    this.reply = reply;
  }
}

export interface RunningXmlRpcServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_PATHS = ['/', '/RPC2'];

const defaultUnknown = (method: string): XmlRpcFault =>
  new XmlRpcFault(1, `<class 'Exception'>:method "${method}" is not supported`);

export async function startXmlRpcServer(options: XmlRpcServerOptions): Promise<RunningXmlRpcServer> {
  const sockets = new Set<Socket>();
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    void handleRequest(options, req, res);
  };
  const tls = options.tls;
  const server = tls
    ? createHttpsServer({ key: tls.key, cert: tls.cert, requestCert: tls.requestCert ?? false, rejectUnauthorized: false }, listener)
    : createServer(listener);
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (!tls) options.knobs?.backlog.admit(socket);
  });
  // Requests arrive on the TLS socket, so that is the one the backlog model must know.
  if (tls) server.on('secureConnection', (socket: TLSSocket) => options.knobs?.backlog.admit(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://${options.host ?? '127.0.0.1'}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

async function handleRequest(options: XmlRpcServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const abort = new ClientGone();
  res.on('close', () => {
    if (!res.writableFinished) abort.left();
  });
  const backlog = options.knobs?.backlog;
  if (backlog) {
    if (!(await backlog.served(req.socket, abort.signal))) return;
    res.on('finish', () => backlog.done(req.socket));
  }
  if (options.serverHeader) res.setHeader('Server', options.serverHeader);
  if (options.closeAfterReply) res.setHeader('Connection', 'close');
  const paths = options.paths ?? DEFAULT_PATHS;
  if (req.method !== 'POST') return sendPlain(res, 501, 'Unsupported method');
  const path = requestPath(req.url ?? '/', paths);
  if (!options.acceptAnyPath && !paths.includes(path)) return sendPlain(res, 404, options.notFoundBody ?? 'No such page');

  const body = await readBody(req);
  let call: { method: string; params: XmlRpcValue[] };
  try {
    call = await decodeCall(body);
  } catch (error) {
    if (options.malformedRequest) return sendReply(res, options.malformedRequest({ path, body, error: error as Error }));
    return sendXml(options, req, res, encodeFault(1, `<class 'xml.parsers.expat.ExpatError'>:${(error as Error).message}`));
  }
  const context: CallContext = {
    method: call.method,
    headers: req.headers,
    get signal() {
      return abort.signal;
    },
  };
  const peerCertificate = options.tls ? (req.socket as TLSSocket).getPeerX509Certificate?.() : undefined;
  if (peerCertificate) context.peerCertificate = peerCertificate;

  if (options.knobs && call.method.startsWith(CONTROL_PREFIX)) {
    return answerControl(options, options.knobs, call, req, res);
  }
  await answerCall(options, call, context, req, res);
}

async function answerCall(
  options: XmlRpcServerOptions,
  call: { method: string; params: XmlRpcValue[] },
  context: CallContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const knobs = options.knobs;
  const started = Date.now();
  const log = (outcome: CallOutcome): void =>
    knobs?.log.record({ at: knobs.clock.now(), method: call.method, params: hideSecretParams(call.method, call.params, options.secretParams), outcome, durationMs: Date.now() - started });

  const latency = knobs?.latencyFor(call.method) ?? 0;
  if (latency > 0) await sleep(latency).catch(() => undefined);
  const rule = knobs?.faults.pick(call.method);
  if (rule && (await applyInjectedFault(options, rule, req, res))) return log(`injected:${rule.mode}`);

  const handler = options.dispatch(call.method);
  if (!handler) {
    const fault = (options.unknownMethodFault ?? defaultUnknown)(call.method);
    log('fault');
    return sendXml(options, req, res, encodeFault(fault.faultCode, fault.faultString));
  }
  let xml: string | readonly string[];
  let outcome: CallOutcome = 'ok';
  try {
    const value = await handler(call.params, context);
    outcome = options.classifyResult?.(value) ?? 'ok';
    xml = (options.encodeValue ?? encodeResponse)(value);
  } catch (error) {
    if (error instanceof HttpReplyError) {
      log('error');
      return sendReply(res, error.reply);
    }
    outcome = error instanceof XmlRpcFault ? 'fault' : 'error';
    const fault = error instanceof XmlRpcFault ? error : new XmlRpcFault(1, String((error as Error).message ?? error));
    xml = encodeFault(fault.faultCode, fault.faultString);
  }
  if (rule?.mode === 'lose-reply') {
    log('injected:lose-reply');
    req.socket.destroy();
    return;
  }
  if (rule?.mode === 'late-reply') {
    // The effects happened; only the answer waits (or is dropped if the client gives up first).
    await sleep(rule.delayMs ?? LATE_REPLY_DEFAULT_MS, undefined, { signal: context.signal }).catch(() => undefined);
    log('injected:late-reply');
  } else {
    log(outcome);
  }
  sendXml(options, req, res, xml);
}

/** applyInjectedFault answers for the rule and returns true, or returns false to run the method. */
async function applyInjectedFault(options: XmlRpcServerOptions, rule: FaultRule, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  switch (rule.mode) {
    case 'fault':
      sendXml(options, req, res, encodeFault(rule.faultCode ?? 1, rule.faultString ?? 'injected fault'));
      return true;
    case 'result':
      sendXml(options, req, res, (options.encodeValue ?? encodeResponse)(rule.result ?? null));
      return true;
    case 'drop':
      req.socket.destroy();
      return true;
    case 'http-error':
      sendPlain(res, rule.httpStatus ?? 503, 'Service Unavailable (injected)');
      return true;
    case 'delay':
      await sleep(rule.delayMs ?? 1000).catch(() => undefined);
      return false;
    case 'lose-reply':
    case 'late-reply':
      return false;
  }
}

function answerControl(
  options: XmlRpcServerOptions,
  knobs: SimKnobs,
  call: { method: string; params: XmlRpcValue[] },
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const handler = controlHandlers(knobs)[call.method] ?? options.dispatch(call.method);
  if (!handler) {
    sendXml(options, req, res, encodeFault(1, `unknown control method ${call.method}`));
    return;
  }
  Promise.resolve()
    .then(() => handler(call.params, { method: call.method, headers: req.headers, signal: new AbortController().signal }))
    .then(
      (value) => sendXml(options, req, res, encodeResponse(value)),
      (error: Error) => sendXml(options, req, res, encodeFault(1, error.message)),
    );
}

function sendXml(options: XmlRpcServerOptions, req: IncomingMessage, res: ServerResponse, xml: string | readonly string[]): void {
  if (res.destroyed || req.socket.destroyed) return;
  if (typeof xml !== 'string') return sendPieces(options, req, res, xml);
  let payload: Buffer = Buffer.from(xml, 'utf8');
  const headers: Record<string, string | number> = { 'Content-Type': 'text/xml' };
  if (gzipped(options, req, payload.length)) {
    payload = gzipSync(payload, { level: 1 }); // the fastest level: the client reads any, and the simulator's CPU bounds its speed
    headers['Content-Encoding'] = 'gzip';
  }
  headers['Content-Length'] = payload.length;
  res.writeHead(200, headers);
  res.end(payload);
}

/** gzipped: whether a reply of `bytes` is sent gzipped: the client asked for it and it is above the threshold (1400 by default; false never). */
function gzipped(options: XmlRpcServerOptions, req: IncomingMessage, bytes: number): boolean {
  const threshold = options.gzipThreshold === undefined ? 1400 : options.gzipThreshold;
  return threshold !== false && bytes > threshold && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
}

/** PIECES_BATCH: pieces are joined up to this many characters per write (a write per piece costs more than the copy). */
const PIECES_BATCH = 1 << 18;

/**
 * sendPieces sends a reply printed in pieces: the same bytes and headers as sendXml would send for
 * their join (Content-Length from the pieces' byte lengths), but the whole text is never one string
 * and its first bytes leave while the rest is encoded: a batch per turn of the event loop, since
 * Node holds a response's writes in one turn back (it corks the socket until the next tick). The
 * text was printed when the call was answered; what other calls do meanwhile cannot change it.
 * A reply gzip applies to is joined.
 */
function sendPieces(options: XmlRpcServerOptions, req: IncomingMessage, res: ServerResponse, pieces: readonly string[]): void {
  let length = 0;
  for (const piece of pieces) length += Buffer.byteLength(piece, 'utf8');
  if (gzipped(options, req, length)) return sendXml(options, req, res, pieces.join(''));
  res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': length });
  let next = 0;
  const sendBatch = (): void => {
    if (res.destroyed) return;
    const batch: string[] = [];
    for (let size = 0; next < pieces.length && size < PIECES_BATCH; next += 1) {
      batch.push(pieces[next]!);
      size += pieces[next]!.length;
    }
    if (next >= pieces.length) return void res.end(batch.join(''));
    res.write(batch.join(''));
    setImmediate(sendBatch);
  };
  sendBatch();
}

function sendReply(res: ServerResponse, reply: PlainReply): void {
  res.writeHead(reply.status, { 'Content-Type': reply.contentType, 'Content-Length': Buffer.byteLength(reply.body) });
  res.end(reply.body);
}

function sendPlain(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function hideSecretParams(method: string, params: XmlRpcValue[], secret: Record<string, number[]> | undefined): XmlRpcValue[] {
  const positions = secret?.[method];
  return positions ? params.map((p, i) => (positions.includes(i) ? '[redacted]' : p)) : params;
}
