/**
 * `converge events`: the recent events of a running `converge watch` (reconciled, progressing,
 * drift detected, refused, failed, suspended, resumed, released), read from its `/events`
 * endpoint at `--address` (the watch's `--listen`, default 127.0.0.1:9321). Events live in the
 * controller's memory, not in state: with no controller running there is no history to show, and
 * the command says so (exit 1). Read-only.
 */
import type { Command } from 'commander';
import type { ControllerEvent } from '../../controller/events/event-history.js';
import { ConvergeError } from '../../errors/converge-error.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { countFlag, type CommonOptions } from '../options.js';
import type { Output } from '../output.js';

export const DEFAULT_CONTROLLER_ADDRESS = '127.0.0.1:9321';

type Raw = CommonOptions & Record<string, unknown>;
export type EventsCommandRunner = (fn: (o: Raw, out: Output) => Promise<ExitCode>) => (...args: unknown[]) => Promise<void>;

export function registerEventsCommand(program: Command, run: EventsCommandRunner): void {
  program
    .command('events')
    .description('show the recent events of a running `converge watch` (from its /events endpoint)')
    .option('--address <host:port>', 'where the controller listens (its --listen)', process.env.CONVERGE_ADDRESS ?? DEFAULT_CONTROLLER_ADDRESS)
    .option('--resource <Kind/name>', 'only the events of this resource')
    .option('--limit <n>', 'only the newest n events')
    .option('--json', 'one JSON object per event')
    .option('--no-color', 'no colour even on a terminal')
    .action((...args) => run((o, out) => eventsCommand(out, { address: String(o.address), ...(o.resource !== undefined ? { resource: String(o.resource) } : {}), ...(o.limit !== undefined ? { limit: countFlag('--limit', String(o.limit), 1) } : {}) }))(...args));
}

export interface EventsOptions {
  address: string;
  resource?: string;
  limit?: number;
}

export async function eventsCommand(out: Output, options: EventsOptions): Promise<ExitCode> {
  const events = await fetchEvents(options);
  if (out.json) {
    for (const event of events) out.record(event);
    return EXIT.ok;
  }
  if (events.length === 0) out.line(options.resource ? `no events for ${options.resource}` : 'no events yet');
  for (const e of events) {
    const repeat = e.count > 1 ? ` (×${e.count}, first ${e.firstAt})` : '';
    out.line(`${e.lastAt}  ${e.type.padEnd(7)}  ${e.resource}  ${e.event}  ${e.reason}: ${e.message}${repeat}`);
  }
  return EXIT.ok;
}

async function fetchEvents(options: EventsOptions): Promise<ControllerEvent[]> {
  const base = /^https?:\/\//.test(options.address) ? options.address.replace(/\/+$/, '') : `http://${options.address}`;
  const query = new URLSearchParams({ ...(options.resource ? { resource: options.resource } : {}), ...(options.limit ? { limit: String(options.limit) } : {}) });
  const url = `${base}/events${query.size > 0 ? `?${query}` : ''}`;
  let reply: Response;
  try {
    reply = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new ConvergeError('TRANSIENT', 'CONTROLLER_UNREACHABLE', `no converge watch answers at ${base} (${cause?.code ?? cause?.message ?? (error as Error).message}): start one, or pass its --listen address as --address`, { url: base });
  }
  if (!reply.ok) throw new ConvergeError('TERMINAL', 'CONTROLLER_UNREACHABLE', `${url} answered HTTP ${reply.status}: ${(await reply.text()).trim()} (is it a converge watch?)`, { url: base });
  const body = (await reply.json()) as { formatVersion?: number; events?: ControllerEvent[] };
  if (body.formatVersion !== 1 || !Array.isArray(body.events)) throw new ConvergeError('TERMINAL', 'CONTROLLER_UNREACHABLE', `${url} did not answer with converge events (formatVersion 1)`, { url: base });
  return body.events;
}
