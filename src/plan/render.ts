/**
 * renderPlan prints a plan for humans, Terraform style: one block per object with a symbol
 * (`+` create, `~` update, `-/+` replace, `-` delete, `.` forget: "will no longer be managed"),
 * the changed fields as before → after, and a summary line in which letting go is counted apart
 * from deleting, and the objects no longer in any manifest that prune would remove. Fields
 * are named and sized as manifests write them (present/manifest-terms.ts). Colour only when asked (the CLI asks on a TTY). Pure: string in, string out.
 */
import pc from 'picocolors';
import { presentChanges } from './present/manifest-terms.js';
import type { Plan, PlannedAction } from './types.js';

export interface RenderOptions {
  color: boolean;
}

type Paint = (text: string) => string;

export function renderPlan(plan: Plan, options: RenderOptions): string {
  const colors = pc.createColors(options.color);
  const lines: string[] = [];
  const changing = plan.actions.filter((a) => a.action !== 'noop');
  const leftAlone = plan.leftAlone ?? [];
  if (changing.length === 0) {
    lines.push(leftAlone.length === 0 ? colors.green('No changes. The live infrastructure matches the manifests.') : colors.yellow('No changes to apply.'));
  } else {
    lines.push('converge will perform these actions:', '');
    for (const action of changing) lines.push(...renderAction(action, colors), '');
    const s = plan.summary;
    const forget = s.forget > 0 ? `, ${s.forget} to forget (no longer managed, left live)` : '';
    lines.push(colors.bold(`Plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete${forget}.`));
  }
  lines.push(...renderLeftAlone(leftAlone, colors));
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

/** renderLeftAlone: objects whose manifest is gone are part of the summary, never a footnote. */
function renderLeftAlone(leftAlone: NonNullable<Plan['leftAlone']>, colors: Colors): string[] {
  if (leftAlone.length === 0) return [];
  return [
    colors.bold(colors.yellow(`${leftAlone.length} no longer in the manifests: left alone; --prune deletes them (deletionPolicy Orphan: forgets them).`)),
    ...leftAlone.map((o) => colors.yellow(`  ? ${o.key} (${o.backend}) ${describeIds(o.ids)}`.trimEnd())),
  ];
}

function renderAction(action: PlannedAction, colors: Colors): string[] {
  const [symbol, paint] = SYMBOLS[action.action](colors);
  if (action.action === 'forget') {
    return [`  ${paint(symbol)} ${colors.bold(action.key)} will no longer be managed by converge ${colors.dim(`(${action.backend}) ${action.reason}`)}`];
  }
  const head = `  ${paint(symbol)} ${colors.bold(action.key)} ${colors.dim(`(${action.backend}) ${action.reason}`)}`;
  const changes = presentChanges(action.changes, action.desired);
  if (action.action === 'create') {
    return [head, ...changes.filter((c) => c.after !== undefined).map((c) => `      ${paint('+')} ${c.label} = ${c.after}`)];
  }
  if (action.action === 'delete') return [head];
  return [
    head,
    ...changes.map((c) => {
      const forced = c.forcesReplacement ? colors.red('  # forces replacement') : '';
      return `      ${paint('~')} ${c.label}: ${c.before ?? '(none)'} → ${c.after ?? '(none)'}${forced}`;
    }),
  ];
}

type Colors = ReturnType<typeof pc.createColors>;

const SYMBOLS: Record<PlannedAction['action'], (c: ReturnType<typeof pc.createColors>) => [string, Paint]> = {
  create: (c) => ['+', c.green],
  update: (c) => ['~', c.yellow],
  replace: (c) => ['-/+', c.red],
  delete: (c) => ['-', c.red],
  forget: (c) => ['.', c.cyan],
  noop: (c) => [' ', c.dim],
};

function firstLine(text: string): string {
  const line = text.trim().split('\n').filter(Boolean).pop() ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

function describeIds(ids: Record<string, string>): string {
  return Object.entries(ids).map(([k, v]) => `${k}=${v}`).join(' ');
}
