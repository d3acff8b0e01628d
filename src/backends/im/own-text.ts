/**
 * own returns a copy of `text` that does not keep the text it was cut from alive. The RADL
 * reader's tokens are V8 sliced strings (for 13 characters and more) pointing into the whole
 * RADL; a key, an image URL or an address kept in an observed object kept its stored RADL or VM
 * RADL alive with it for the whole pass. Short strings are copied by V8 anyway. (The XenAPI
 * driver has the same helper for its replies, src/backends/xenapi/api/records.ts.)
 */
export function own(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

