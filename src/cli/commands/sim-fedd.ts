/**
 * `converge sim fedd --testbeds a,b,c`: serve one DETER access controller per testbed (HTTPS with
 * client certificates, one port each from --port up) until SIGINT/SIGTERM. Prints each testbed's
 * URL and fedid, and where the CA certificate and converge's client certificate and key were
 * written: next to --persist (`<file>.pki/`), in --pki-dir, or in a new temporary directory.
 * Key material is only ever written to those files (mode 0600), never printed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConvergeError } from '../../errors/converge-error.js';
import { fedidText, startFeddSimulator } from '../../backends/fedd/sim/index.js';
import type { SimKnobs } from '../../xmlrpc/sim/knobs.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';

/** FeddSimFlags are the flags `converge sim fedd` reads. */
export interface FeddSimFlags {
  host: string;
  port: number;
  persist?: string;
  testbeds?: string[];
  pkiDir?: string;
}

/** feddSimCommand serves the testbeds; `knobs` (latency, faults, backlog) is the template of every testbed's knobs. */
export async function feddSimCommand(out: Output, flags: FeddSimFlags, knobs: SimKnobs): Promise<ExitCode> {
  const pkiDir = flags.pkiDir ?? (flags.persist ? undefined : mkdtempSync(join(tmpdir(), 'converge-fedd-sim-')));
  let running: Awaited<ReturnType<typeof startFeddSimulator>>;
  try {
    running = await startFeddSimulator({
      host: flags.host,
      port: flags.port,
      knobs,
      testbeds: flags.testbeds ?? ['deter'],
      ...(flags.persist ? { persistPath: flags.persist } : {}),
      ...(pkiDir ? { pkiDir } : {}),
    });
  } catch (error) {
    throw new ConvergeError('INVALID', 'USAGE', `fedd simulator: ${(error as Error).message}`);
  }
  const { ca, client } = running;
  if (out.json) {
    out.record({
      type: 'listening',
      backend: 'fedd',
      testbeds: running.testbeds.map((t) => ({ name: t.name, url: t.url, fedid: fedidText(t.fedid) })),
      caCert: ca.certPath,
      clientCert: client.certPath,
      clientKey: client.keyPath,
      clientFedid: fedidText(client.fedid),
    });
  } else {
    out.line(`fedd simulator: ${running.testbeds.length} access controller(s) (control methods: converge.sim.*, converge.sim.fedd.*); Ctrl-C to stop`);
    for (const t of running.testbeds) out.line(`  ${t.name}  ${t.url}  ${fedidText(t.fedid)}`);
    out.line(`CA certificate:     ${ca.certPath ?? '(memory)'}`);
    out.line(`client certificate: ${client.certPath ?? '(memory)'}  ${fedidText(client.fedid)}`);
    out.line(`client key:         ${client.keyPath ?? '(memory)'}`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
  return EXIT.ok;
}
