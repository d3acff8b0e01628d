/**
 * `converge status [dir]`: what converge manages and how it is doing — per object its backend
 * ids, live phase (observed now), the last apply recorded in state, with its git revision, and
 * how to reach it (addresses). `-o wide` prints a table with a backend and an addresses column.
 * Read-only: no lock, no mutating call.
 */
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CommonOptions } from '../options.js';
import type { Output } from '../output.js';
import { compactAccess, wideAccess } from '../../util/access-text.js';
import { machineDocument } from '../output/machine.js';
import { lookAtStatus, type StatusRow } from '../output/status-rows.js';
import { formatTable } from '../output/table.js';

export interface StatusOptions extends CommonOptions {
  /** wide prints the table form with every address. */
  wide?: boolean;
}

export async function statusCommand(dir: string, out: Output, options: StatusOptions): Promise<ExitCode> {
  const { state, storeDescription, looked, rows } = await lookAtStatus(dir, out, options);
  const { observation } = looked;
  if (out.json) {
    out.record(machineDocument('Status', { owner: state.owner, lineage: state.lineage, serial: state.serial, lastApplied: state.lastApplied ?? null, objects: rows }));
  } else {
    out.line(`state ${storeDescription} (serial ${state.serial}, owner ${state.owner})`);
    const last = state.lastApplied;
    out.line(last ? `last converged ${last.at}${last.revision ? ` at revision ${last.revision}` : ''}` : 'never converged yet');
    if (options.wide) printWide(rows, out);
    else printCompact(rows, out);
    for (const [backend, error] of observation.unavailable) out.error(`backend ${backend}: ${error.message} [${error.code}]`);
  }
  return observation.unavailable.size > 0 ? EXIT.failure : EXIT.ok;
}

function printCompact(rows: readonly StatusRow[], out: Output): void {
  for (const r of rows) {
    const ids = Object.entries(r.ids).map(([k, v]) => `${k}=${v}`).join(' ');
    const reach = compactAccess(r.access);
    const columns = [`${r.key}${r.inManifests ? '' : ' (not in manifests)'}`, ids, reach ? `→ ${reach}` : ''].filter(Boolean);
    out.line(`  ${r.live.padEnd(11)} ${columns.join('  ')}`);
    if (r.message) out.line(`              ${r.message.split('\n')[0]}`);
  }
}

function printWide(rows: readonly StatusRow[], out: Output): void {
  const table = rows.map((r) => [
    r.live,
    `${r.key}${r.inManifests ? '' : ' (not in manifests)'}`,
    r.backend,
    Object.entries(r.ids).map(([k, v]) => `${k}=${v}`).join(' ') || '-',
    wideAccess(r.access) || '-',
  ]);
  for (const line of formatTable(['STATUS', 'OBJECT', 'BACKEND', 'IDS', 'ADDRESSES'], table)) out.line(line);
}
