/**
 * own returns a copy of `text` that does not keep the text it was cut from alive. Substrings of
 * 13 characters and more are V8 sliced strings pointing into their parent: a uuid or a RADL
 * image URL kept in a typed record or an observed object kept a whole reply or RADL text alive
 * with it, for as long as the record lived. Shorter strings are copied by V8 anyway.
 */
export function own(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}
