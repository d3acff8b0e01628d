/**
 * selectedScope narrows a watch pass to the resources `--target` / `-l` select (see
 * src/engine/select/selection.ts). Selected resources are reconciled as usual; the others are
 * left alone: never planned, never pruned, never reported. The selection is evaluated against
 * each generation of the manifests, so a label added later selects its resource from then on.
 */
import { resourceKeyOf } from '../../engine/scope.js';
import { selectScope, type SelectionFlags } from '../../engine/select/selection.js';
import type { ManifestSet } from '../../manifest/types.js';

export interface SelectedPass {
  keys: string[];
  scope: ReadonlySet<string> | undefined;
}

/**
 * selectedScope returns the pass's keys and scope within the selection, or undefined when the
 * selection leaves nothing of it to do (also when the manifests no longer select anything).
 */
export function selectedScope(
  manifests: ManifestSet,
  selection: SelectionFlags | undefined,
  keys: readonly string[],
  scope: ReadonlySet<string> | undefined,
): SelectedPass | undefined {
  if (!selection || ((selection.targets?.length ?? 0) === 0 && (selection.labels?.length ?? 0) === 0)) return { keys: [...keys], scope };
  let selected: Set<string> | undefined;
  try {
    selected = selectScope(manifests, selection);
  } catch {
    return undefined;
  }
  if (!selected) return { keys: [...keys], scope };
  const narrowed = new Set([...(scope ?? selected)].filter((k) => selected.has(k)));
  if (narrowed.size === 0) return undefined;
  return { keys: keys.filter((k) => narrowed.has(resourceKeyOf(k))), scope: narrowed };
}
