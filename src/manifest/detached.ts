/**
 * detached returns a string equal to `text` that holds no reference to the file it was cut from.
 * V8 represents a substring of 13 or more characters (what a YAML parser returns for keys and
 * values) as a slice that keeps the whole source text alive; the loader's memo tables outlive one
 * load (watch mode), so they store detached copies. The copy is made once per distinct entry.
 */
export function detached(text: string): string {
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
}
