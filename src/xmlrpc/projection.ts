/**
 * A Projection tells the streaming decoder (streaming-decoder.ts) which members to build of the
 * structs at one depth of a response: the records of a `get_all_records` map, whose readers use a
 * dozen of ~90 fields. Members not kept are still read (the reply is read whole and checked as
 * before) but never become values, so decoding allocates, and the decoded reply holds, only what
 * the reader uses.
 */
export interface Projection {
  /** depth: the nesting depth of the structs filtered (1: the response's value itself, 2: a struct or array inside it, …). */
  depth: number;
  /** keep: the member names kept in those structs; every other member is dropped. */
  keep: ReadonlySet<string>;
}
