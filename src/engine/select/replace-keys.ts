/**
 * replaceKeys checks the `--replace KEY` values against the desired objects: a key must name one
 * desired object (e.g. `Infrastructure/web`, `Infrastructure/lab/vm/web-0`), in scope when a
 * selection is given. A wrong key is a usage error listing the keys that exist.
 */
import type { DesiredObject } from '../../backends/driver.js';
import { ConvergeError } from '../../errors/converge-error.js';
import { inScope } from '../scope.js';

export function replaceKeys(desired: readonly DesiredObject[], keys: readonly string[] | undefined, scope?: ReadonlySet<string>): Set<string> | undefined {
  if (!keys || keys.length === 0) return undefined;
  const known = desired.filter((d) => inScope(scope, d.key)).map((d) => d.key);
  for (const key of keys) {
    if (!known.includes(key)) {
      throw new ConvergeError('INVALID', 'USAGE', `--replace ${key}: not an object the selected manifests desire (objects: ${known.join(', ') || 'none'})`);
    }
  }
  return new Set(keys);
}
