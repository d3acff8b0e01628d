/**
 * `converge output [dir] [KEY]`: how to reach what converge manages — every object's access facts
 * (IP addresses, host:port endpoints, node names), or one object's (KEY is an object key such as
 * `Infrastructure/web`, or a resource whose objects are all shown). Observed now, read-only.
 * `--json` prints one Output document (docs/JSON.md). An unknown KEY is a usage error (exit 4).
 */
import { ConvergeError } from '../../errors/converge-error.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CommonOptions } from '../options.js';
import type { Output } from '../output.js';
import { accessLines } from '../../util/access-text.js';
import { machineDocument } from '../output/machine.js';
import { lookAtStatus, type StatusRow } from '../output/status-rows.js';

export async function outputCommand(dir: string, key: string | undefined, out: Output, options: CommonOptions): Promise<ExitCode> {
  const { looked, rows } = await lookAtStatus(dir, out, options);
  const chosen = key === undefined ? rows : rows.filter((r) => r.key === key || r.key.startsWith(`${key}/`));
  if (key !== undefined && chosen.length === 0) {
    throw new ConvergeError('INVALID', 'USAGE', `no object ${JSON.stringify(key)} is in the manifests or the state; \`converge status\` lists the keys`);
  }
  if (out.json) {
    out.record(machineDocument('Output', { objects: chosen.map((r) => ({ key: r.key, backend: r.backend, live: r.live, access: r.access ?? {} })) }));
  } else {
    for (const r of chosen) printObject(r, out);
  }
  for (const [backend, error] of looked.observation.unavailable) out.error(`backend ${backend}: ${error.message} [${error.code}]`);
  return looked.observation.unavailable.size > 0 ? EXIT.failure : EXIT.ok;
}

function printObject(r: StatusRow, out: Output): void {
  const lines = accessLines(r.access, '  ');
  out.line(`${r.key} (${r.live})${lines.length === 0 ? ': no addresses reported' : ''}`);
  for (const line of lines) out.line(line);
}
