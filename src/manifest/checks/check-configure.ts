/**
 * A system's `configure` recipe is Ansible task YAML that IM runs at contextualization time. A
 * recipe that does not parse would only fail minutes into a deployment, so it is checked here,
 * and the diagnostic points inside the recipe when it is a literal block (`configure: |`).
 */
import type { Node } from 'yaml';
import { formatFieldPath } from '../field-path.js';
import { detached } from '../detached.js';
import { fastParseDocuments } from '../fast-yaml/fast-parse.js';
import { yaml } from '../lazy-yaml.js';
import { findNode } from '../node-location.js';
import { reportAtOffset, type ManifestDocument } from '../manifest-document.js';
import { valueAt } from '../raw-value.js';

/** checkConfigureRecipes reports YAML_SYNTAX for each configure recipe that is not valid YAML. */
export function checkConfigureRecipes(document: ManifestDocument): void {
  const systems = valueAt(document.value, ['spec', 'systems']);
  if (!Array.isArray(systems)) return;
  systems.forEach((_, i) => {
    const path = ['spec', 'systems', i, 'configure'];
    const recipe = valueAt(document.value, path);
    if (typeof recipe !== 'string') return;
    const problems = recipeProblems(recipe);
    if (problems.length === 0) return;
    const node = findNode(document.doc, path).value;
    for (const problem of problems) {
      const offset = offsetInRecipe(document.text, node, problem.offset, recipe);
      reportAtOffset(document, 'YAML_SYNTAX', offset, `${formatFieldPath(path)}: recipe is not valid YAML: ${problem.message}`);
    }
  });
}

/**
 * VALID_RECIPES holds recipe texts the fast path has read: validity is a pure function of the text,
 * and many systems share one recipe. Only valid ones are kept (an invalid one is parsed again by
 * `yaml`, for its messages), and at most VALID_RECIPES_LIMIT of them.
 */
const VALID_RECIPES = new Set<string>();
const VALID_RECIPES_LIMIT = 1024;

/** recipeProblems: none when the fast path reads the recipe (it answers only for text `yaml` accepts). */
function recipeProblems(recipe: string): Array<{ offset: number; message: string }> {
  if (VALID_RECIPES.has(recipe)) return [];
  if (fastParseDocuments(recipe) !== undefined) {
    if (VALID_RECIPES.size >= VALID_RECIPES_LIMIT) VALID_RECIPES.clear();
    VALID_RECIPES.add(detached(recipe));
    return [];
  }
  const docs = yaml().parseAllDocuments(recipe, { prettyErrors: false });
  const errors = 'empty' in docs ? docs.errors : docs.flatMap((d) => d.errors);
  return errors.map((e) => ({ offset: e.pos[0], message: `${e.message.replace(/\.$/, '')} (${e.code})` }));
}

/**
 * offsetInRecipe maps an offset inside the recipe text to the manifest file. Only literal block
 * scalars keep lines one to one (same line, fixed indentation); anything else points at the value.
 */
function offsetInRecipe(text: string, node: Node | undefined, recipeOffset: number, recipe: string): number {
  const start = node?.range?.[0] ?? 0;
  if (!yaml().isScalar(node) || node.type !== yaml().Scalar.BLOCK_LITERAL) return start;
  const before = recipe.slice(0, recipeOffset).split('\n');
  const line = before.length;
  const col = (before[before.length - 1] ?? '').length + 1;
  let lineStart = text.indexOf('\n', start) + 1;
  for (let n = 1; n < line && lineStart > 0; n++) lineStart = text.indexOf('\n', lineStart) + 1;
  if (lineStart <= 0) return start;
  return lineStart + blockIndent(text, start) + col - 1;
}

/** blockIndent is the indentation of the block's first non-empty content line. */
function blockIndent(text: string, headerOffset: number): number {
  const content = text.slice(text.indexOf('\n', headerOffset) + 1);
  const firstLine = content.split('\n').find((l) => l.trim() !== '') ?? '';
  return firstLine.length - firstLine.trimStart().length;
}
