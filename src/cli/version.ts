/** GENERATOR names this build in plans and reports. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function readVersion(): string {
  for (const candidate of ['../../package.json', '../../../package.json']) {
    try {
      return (require(candidate) as { version: string }).version;
    } catch {
      // try the next layout (src/ under vitest, dist/src/ when compiled)
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
export const GENERATOR = `converge ${VERSION}`;
