/**
 * renderPlan prints a plan for humans, Terraform style: one block per object with a symbol
 * (`+` create, `~` update, `-/+` replace, `-` delete, `.` forget: "will no longer be managed"),
 * the changed fields as before → after, and a summary line in which letting go is counted apart
 * from deleting. Colour only when asked (the CLI asks on a TTY). Pure: string in, string out.
 */
import pc from 'picocolors';
import type { JsonValue } from '../util/json.js';
import type { Plan, PlannedAction } from './types.js';

export interface RenderOptions {
  color: boolean;
}

type Paint = (text: string) => string;

export function renderPlan(plan: Plan, options: RenderOptions): string {
  const colors = pc.createColors(options.color);
  const lines: string[] = [];
  const changing = plan.actions.filter((a) => a.action !== 'noop');
  if (changing.length === 0) {
    lines.push(colors.green('No changes. The live infrastructure matches the manifests.'));
  } else {
    lines.push('converge will perform these actions:', '');
    for (const action of changing) lines.push(...renderAction(action, colors), '');
    const s = plan.summary;
    const forget = s.forget > 0 ? `, ${s.forget} to forget (no longer managed, left live)` : '';
    lines.push(colors.bold(`Plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete${forget}.`));
  }
  const leased = plan.actions.filter((a) => a.lease);
  if (leased.length > 0) lines.push('', 'Leases:');
  for (const a of leased) lines.push(`  ${a.key}: ends ${a.lease!.endsAt}; renewal due from ${a.lease!.renewAt}`);
  for (const p of plan.pending) {
    if (p.phase === 'failed' && p.code) lines.push(colors.red(`  ! ${p.key}: ${p.message ?? p.code} [${p.code}]`));
    else lines.push(colors.yellow(`  … ${p.key} is ${p.phase}${p.message ? `: ${firstLine(p.message)}` : ''}`));
  }
  for (const note of plan.notes) lines.push(colors.dim(`  note: ${note}`));
  return lines.join('\n');
}

function renderAction(action: PlannedAction, colors: ReturnType<typeof pc.createColors>): string[] {
  const [symbol, paint] = SYMBOLS[action.action](colors);
  if (action.action === 'forget') {
    return [`  ${paint(symbol)} ${colors.bold(action.key)} will no longer be managed by converge ${colors.dim(`(${action.backend}) ${action.reason}`)}`];
  }
  const head = `  ${paint(symbol)} ${colors.bold(action.key)} ${colors.dim(`(${action.backend}) ${action.reason}`)}`;
  if (action.action === 'create') {
    return [head, ...action.changes.map((c) => `      ${paint('+')} ${c.path} = ${show(c.after)}`)];
  }
  if (action.action === 'delete') return [head];
  return [
    head,
    ...action.changes.map((c) => {
      const forced = c.forcesReplacement ? colors.red('  # forces replacement') : '';
      return `      ${paint('~')} ${c.path}: ${show(c.before)} → ${show(c.after)}${forced}`;
    }),
  ];
}

const SYMBOLS: Record<PlannedAction['action'], (c: ReturnType<typeof pc.createColors>) => [string, Paint]> = {
  create: (c) => ['+', c.green],
  update: (c) => ['~', c.yellow],
  replace: (c) => ['-/+', c.red],
  delete: (c) => ['-', c.red],
  forget: (c) => ['.', c.cyan],
  noop: (c) => [' ', c.dim],
};

function show(value: JsonValue | undefined): string {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function firstLine(text: string): string {
  const line = text.trim().split('\n').filter(Boolean).pop() ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
