/**
 * The `yaml` package (the reference parser, and the node ranges diagnostics are located with) is
 * loaded on first use: a load whose files all take the fast path (fast-yaml/) and have no problem
 * never needs it, and it is 70-odd CommonJS modules (about 45 ms of CPU) that `converge validate`
 * would otherwise load on every run. `require` gives the same module instance an `import` of
 * 'yaml' elsewhere gives (Node keeps one CommonJS cache).
 */
import { createRequire } from 'node:module';

type YamlModule = typeof import('yaml');

let loaded: YamlModule | undefined;

/** yaml returns the `yaml` package, loading it synchronously the first time. */
export function yaml(): YamlModule {
  return (loaded ??= createRequire(import.meta.url)('yaml') as YamlModule);
}
