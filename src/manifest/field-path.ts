/**
 * FieldPath names a value inside a manifest document, e.g. ['spec', 'systems', 0, 'memory'].
 * Diagnostics print it as `spec.systems[0].memory`; ajv reports it as a JSON pointer.
 */
export type FieldPath = Array<string | number>;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** formatFieldPath renders a path the way users read it: `spec.systems[0].memory`. */
export function formatFieldPath(path: FieldPath): string {
  if (path.length === 0) return 'document';
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** pointerToPath turns an ajv instancePath (`/spec/systems/0`) into a FieldPath. */
export function pointerToPath(pointer: string): FieldPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
}

/** isWithin is true when `path` equals `ancestor` or lies below it. */
export function isWithin(path: FieldPath, ancestor: FieldPath): boolean {
  return ancestor.length <= path.length && ancestor.every((segment, i) => String(segment) === String(path[i]));
}
