/**
 * The redactor is the last line of defence against secrets leaking into output: every value
 * wrapped in a Secret (and every component of it, such as a password inside an auth file) is
 * registered here, and `redact` replaces each occurrence in a string with "[redacted]".
 * Short values (under 4 characters) are not registered, because scrubbing them would mangle
 * ordinary text; credential files with such values are still never printed by design.
 */
const registered = new Set<string>();
let pattern: RegExp | undefined;

export function registerSecret(value: string): void {
  const trimmed = value.trim();
  if (trimmed.length < 4 || registered.has(trimmed)) return;
  registered.add(trimmed);
  pattern = undefined;
}

export function redact(text: string): string {
  if (registered.size === 0) return text;
  pattern ??= new RegExp([...registered].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  return text.replace(pattern, '[redacted]');
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
