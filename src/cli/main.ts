#!/usr/bin/env node
/** The `converge` executable. */
import { runCli } from './program.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`converge: internal error: ${String((error as Error)?.stack ?? error)}\n`);
    process.exitCode = 1;
  },
);
