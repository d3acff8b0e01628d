/**
 * Value predicates of radl's check tables: version strings, strong passwords and the outports
 * format (`22/tcp-22/tcp,80,8000:8010/tcp`, `0.0.0.0/0-8899/tcp-8899/tcp`).
 */

/** isVersion: '' or dot-separated digits. */
export function isVersion(value: string): boolean {
  return value === '' || value.split('.').every((part) => /^\d+$/.test(part));
}

/** isStrongPassword: over 6 chars, an upper-case letter, a digit and a non-alphanumeric. */
export function isStrongPassword(value: string): boolean {
  if ([...value].length <= 6) return false;
  if (value.toLowerCase() === value) return false;
  if (!/\d/.test(value)) return false;
  return /[^\p{L}\p{N}]/u.test(value);
}

const OUTPORT =
  /^((\d{1,3}.\d{1,3}.\d{1,3}.\d{1,3}\/\d{1,2})-){0,1}((\d+)((:)\d+){0,1}((\/tcp|\/udp){0,1}))((-)((\d+)((:)\d+){0,1}((\/tcp|\/udp){0,1}))){0,1}$/;

/** isOutportsFormat: every comma-separated item parses and uses one protocol on both sides. */
export function isOutportsFormat(value: string): boolean {
  return value.split(',').every((port) => {
    const m = OUTPORT.exec(port);
    if (!m) return false;
    const local = m[7] ? m[7].slice(1) : 'tcp';
    const remote = m[15] ? m[15].slice(1) : 'tcp';
    return local === remote;
  });
}
