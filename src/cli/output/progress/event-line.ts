/**
 * eventLine is the one-line human form of a run event, as plain (non-TTY) output prints it and as
 * the live view prints the events that stay on screen. Undefined: the event prints no line.
 */
import type pc from 'picocolors';
import type { RunEvent } from '../../../engine/events.js';

export type Colors = ReturnType<typeof pc.createColors>;

export function eventLine(event: RunEvent, c: Colors): string | undefined {
  switch (event.type) {
    case 'pass':
      return event.pass > 1 ? c.dim(`pass ${event.pass}: observing again`) : undefined;
    case 'planned':
      return planLine(event, c);
    case 'observed':
      return c.dim(`observed ${event.objects} object(s) on ${event.backend} in ${event.ms} ms`);
    case 'observe-failed':
      return c.red(`cannot observe backend ${event.backend}: ${event.message} [${event.code}]`);
    case 'intent-settled':
      return c.yellow(`journal: ${event.note}`);
    case 'lock-takeover':
      return c.yellow(`took over a stale state lock from ${event.holder}`);
    case 'action-start':
      return `${c.cyan('→')} ${event.action} ${event.key}`;
    case 'action-progress':
      return c.dim(`  ${event.key}: ${event.message}`);
    case 'action-done':
      return `${c.green('✓')} ${event.action} ${event.key} (${(event.ms / 1000).toFixed(1)}s)`;
    case 'action-failed':
      return failedLine(event, c);
    case 'action-skipped':
      return c.yellow(`- skipped ${event.action} ${event.key}: ${event.reason}`);
    case 'retry':
      return c.dim(`  retrying ${event.method} (attempt ${event.attempt + 1}) in ${event.delayMs} ms after ${event.code}`);
    case 'warning':
      return c.yellow(`warning: ${event.key}: ${event.message} [${event.code}]`);
    case 'waiting':
      return c.dim(`waiting for ${event.objects.map((o) => `${o.key} (${o.phase})`).join(', ')}; ${Math.ceil(event.remainingMs / 1000)}s left`);
  }
}

export function failedLine(event: Extract<RunEvent, { type: 'action-failed' }>, c: Colors): string {
  // A failure the run retries by itself is not the run's verdict: it is marked apart from one that stands.
  if (event.willRetry) return `${c.yellow('↻')} ${event.action} ${event.key}: ${event.message} [${event.code}]${c.dim(' — will observe and retry')}`;
  return `${c.red('✗')} ${event.action} ${event.key}: ${event.message} [${event.code}]`;
}

/**
 * planLine is the plan summary a run prints before it acts: every pass that has changes (the
 * first is the plan; later ones are what observation showed was still left), and objects whose
 * manifest is gone, left alone.
 */
export function planLine(event: Extract<RunEvent, { type: 'planned' }>, c: Colors): string | undefined {
  const s = event.summary;
  const changes = s.create + s.update + s.replace + s.delete + s.forget;
  const gone = event.leftAlone > 0 ? c.yellow(` ${event.leftAlone} no longer in the manifests: left alone; --prune deletes them.`) : '';
  if (changes === 0) return event.pass === 1 && gone ? `No changes to apply.${gone}` : undefined;
  const forget = s.forget > 0 ? `, ${s.forget} to forget` : '';
  const text = `Plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete${forget}.`;
  return `${event.pass === 1 ? c.bold(text) : c.dim(`pass ${event.pass}: ${text}`)}${event.pass === 1 ? gone : ''}`;
}
