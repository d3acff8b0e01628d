/**
 * StreamingResponseDecoder decodes a methodResponse from its bytes as they arrive (`write` per
 * piece, `end` once the body is complete), so a large reply (XenAPI's VM.get_all_records over
 * thousands of VMs: tens of MB of XML) is never held whole as a Buffer nor as one string: only the
 * value being built and the bytes not yet read. Written by hand (no SAX library) because it must
 * read exactly what fast-decoder.ts reads — same values, same documents refused — which
 * test/xmlrpc/streaming-decoder.test.ts checks against it with chunk boundaries anywhere (inside
 * tags, entities, CDATA, multi-byte characters); fast-decoder.ts stays the reference and the
 * decoder of calls (server side) and of whole bodies.
 *
 * It is fast-decoder's recursive descent turned inside out: a state and a stack of open arrays and
 * structs replace the call stack, so that it can stop wherever the bytes run out and go on with the
 * next piece. As in fast-decoder, reading stops once the response's value is complete (after
 * `</param>`, or the fault's `</value>`): what follows is not read.
 *
 * With a Projection (projection.ts), the structs at one depth keep only the members it names: the
 * others are read as usual (every tag checked, entities resolved, typed scalars converted, so the
 * same documents are refused) but their values are not built.
 */
import type { XmlRpcValue } from './value.js';
import { ByteCursor } from './byte-cursor.js';
import { buildStruct } from './struct-builder.js';
import { scalar as scalarValue } from './fast-decoder.js';
import * as T from './tag-codes.js';
import { XmlRpcDecodeError } from './xml-cursor.js';
import type { Projection } from './projection.js';

/** What the decoder waits for next; each is one step of fast-decoder's functions. */
const enum S {
  DOC, KIND, FAULT_VALUE, PARAM, PARAM_VALUE, PARAM_CLOSE, DONE,
  VALUE_TEXT, VALUE_TAG, VALUE_CLOSE, NIL_CLOSE, SCALAR_TEXT, SCALAR_CLOSE,
  ARRAY_OPEN, ARRAY_ITEM, ARRAY_CLOSE, STRUCT_MEMBER, MEMBER_NAME, NAME_TEXT, NAME_CLOSE, MEMBER_VALUE, MEMBER_CLOSE,
}

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (ch) => ch.charCodeAt(0));
const CLOSE_VALUE = ascii('</value>');
const CLOSE_MEMBER = ascii('</member>');
const OPEN_MEMBER_NAME = ascii('<member><name>');
const CLOSE_NAME_OPEN_VALUE = ascii('</name><value>');
const OPEN_VALUE = ascii('<value>');

type Struct = { [key: string]: XmlRpcValue };
/**
 * Frame is an open array, or an open struct: its members so far, the key of the member being read,
 * and (a struct at the projection's depth) the names of the members it keeps.
 */
type Frame =
  | { items: XmlRpcValue[]; names?: undefined; key?: undefined; keep?: undefined }
  | { items: XmlRpcValue[]; names: string[]; key: string; keep: ReadonlySet<string> | undefined };
/** SKIPPED stands for a struct inside a member the projection drops (never kept, never built). */
const SKIPPED: Struct = Object.freeze({}) as Struct;


export class StreamingResponseDecoder {
  readonly #cursor = new ByteCursor();
  readonly #decodeDate: (text: string) => Date;
  readonly #stack: Frame[] = [];
  #state = S.DOC;
  #fault = false;
  /** #pending: a complete value waiting for its `</value>`; #text: character data just read; #scalar: the open scalar tag. */
  #pending: XmlRpcValue = null;
  #text = '';
  #scalar = 0;
  #result: XmlRpcValue = null;
  readonly #project: Projection | undefined;
  /** #skimFrom: while a dropped member's value is read, the depth of the struct it belongs to; else 0. */
  #skimFrom = 0;

  constructor(decodeDate: (text: string) => Date, project?: Projection) {
    this.#decodeDate = decodeDate;
    this.#project = project;
  }

  /** write reads the next piece of the body; it throws XmlRpcDecodeError when the document is not XML-RPC. */
  write(chunk: Buffer): void {
    if (this.#state === S.DONE) return;
    this.#cursor.feed(chunk);
    this.#run();
  }

  /** end says the body is complete and returns the response (or throws XmlRpcDecodeError). */
  end(): { fault: boolean; value: XmlRpcValue } {
    if (this.#state !== S.DONE) {
      this.#cursor.finish();
      this.#run();
    }
    const response = { fault: this.#fault, value: this.#result };
    // let go of what was read: the decoder may outlive the reply (held by a call's promise chain,
    // promoted to old space while the call waited), and must not keep the value alive with it
    this.#result = this.#pending = null;
    this.#text = '';
    this.#stack.length = 0;
    this.#skimFrom = 0;
    this.#cursor.skimming = false;
    return response;
  }

  #run(): void {
    const c = this.#cursor;
    while (this.#state !== S.DONE) {
      const state = this.#state;
      if (state === S.VALUE_TEXT || state === S.SCALAR_TEXT || state === S.NAME_TEXT) {
        const text = c.readText();
        if (text === undefined) return;
        this.#text = text;
        this.#state = (state + 1) as S; // the tag after the text: VALUE_TAG, SCALAR_CLOSE, NAME_CLOSE
        continue;
      }
      if (this.#shortcut(state)) continue;
      if (!c.nextTag()) return;
      this.#onTag(state, c.code, c.closing, c.selfClosing);
    }
    c.release();
  }

  /**
   * #shortcut reads the canonical layout's usual runs (`</value>`, `</member>`, `<member><name>`,
   * `</name><value>`, `<value>` in an array) as whole byte strings: exactly what the tag-by-tag
   * path reads there, at a fraction of its cost; anything else (or a run cut by the end of the
   * bytes so far) goes the tag-by-tag way.
   */
  #shortcut(state: S): boolean {
    const c = this.#cursor;
    switch (state) {
      case S.VALUE_TAG:
        if (!c.skip(CLOSE_VALUE)) return false;
        this.#complete(this.#text);
        return true;
      case S.VALUE_CLOSE:
        if (!c.skip(CLOSE_VALUE)) return false;
        this.#complete(this.#pending);
        return true;
      case S.MEMBER_CLOSE:
        if (!c.skip(CLOSE_MEMBER)) return false;
        this.#state = c.skip(OPEN_MEMBER_NAME) ? S.NAME_TEXT : S.STRUCT_MEMBER;
        return true;
      case S.STRUCT_MEMBER:
        if (!c.skip(OPEN_MEMBER_NAME)) return false;
        this.#state = S.NAME_TEXT;
        return true;
      case S.NAME_CLOSE:
        if (!c.skip(CLOSE_NAME_OPEN_VALUE)) return false;
        this.#memberName();
        this.#state = S.VALUE_TEXT;
        return true;
      case S.ARRAY_ITEM:
        if (!c.skip(OPEN_VALUE)) return false;
        this.#state = S.VALUE_TEXT;
        return true;
      default:
        return false;
    }
  }

  #onTag(state: S, code: number, closing: boolean, selfClosing: boolean): void {
    switch (state) {
      case S.DOC:
        return this.#expect(code === T.TAG_METHOD_RESPONSE && !closing, 'methodresponse', S.KIND);
      case S.KIND:
        if (code === T.TAG_FAULT) {
          this.#fault = true;
          this.#state = S.FAULT_VALUE;
        } else if (code === T.TAG_PARAMS) this.#state = S.PARAM;
        else throw new XmlRpcDecodeError('Invalid method response');
        return;
      case S.FAULT_VALUE:
      case S.PARAM_VALUE:
        return this.#expect(code === T.TAG_VALUE && !closing, 'value', S.VALUE_TEXT);
      case S.PARAM:
        return this.#expect(code === T.TAG_PARAM && !closing, 'param', S.PARAM_VALUE);
      case S.PARAM_CLOSE:
        return this.#expect(code === T.TAG_PARAM && closing, '/param', S.DONE);
      case S.VALUE_TAG:
        return this.#valueTag(code, closing, selfClosing);
      case S.VALUE_CLOSE:
        this.#expect(code === T.TAG_VALUE && closing, '/value', S.VALUE_CLOSE);
        return this.#complete(this.#pending);
      case S.NIL_CLOSE:
        this.#pending = null;
        return this.#expect(code === T.TAG_NIL && closing, '/nil', S.VALUE_CLOSE);
      case S.SCALAR_CLOSE:
        this.#expect(this.#isScalarTag(code) && closing, `/${this.#cursorName(this.#scalar)}`, S.VALUE_CLOSE);
        this.#pending = scalarValue(this.#cursorName(this.#scalar), this.#text, this.#decodeDate);
        this.#cursor.skimming = this.#skimFrom > 0;
        return;
      case S.ARRAY_OPEN:
        return this.#arrayOpen(code, closing, selfClosing);
      case S.ARRAY_ITEM:
        return this.#arrayItem(code, closing, selfClosing);
      case S.ARRAY_CLOSE:
        this.#expect(code === T.TAG_ARRAY && closing, '/array', S.VALUE_CLOSE);
        this.#pending = this.#stack.pop()!.items!;
        return;
      case S.STRUCT_MEMBER:
        if (code === T.TAG_STRUCT && closing) {
          this.#pending = this.#closeStruct();
          this.#state = S.VALUE_CLOSE;
        } else if (code === T.TAG_MEMBER && !closing) this.#state = S.MEMBER_NAME;
        else throw new XmlRpcDecodeError(`expected <member>, found <${this.#tagName(code)}>`);
        return;
      case S.MEMBER_NAME:
        return this.#expect(code === T.TAG_NAME && !closing, 'name', S.NAME_TEXT);
      case S.NAME_CLOSE:
        this.#expect(code === T.TAG_NAME && closing, '/name', S.MEMBER_VALUE);
        this.#memberName();
        return;
      case S.MEMBER_VALUE:
        if (code !== T.TAG_VALUE) throw new XmlRpcDecodeError('expected <value> in <member>');
        if (selfClosing) return this.#complete('');
        this.#state = S.VALUE_TEXT;
        return;
      case S.MEMBER_CLOSE:
        return this.#expect(code === T.TAG_MEMBER && closing, '/member', S.STRUCT_MEMBER);
      default:
        throw new XmlRpcDecodeError(`decoder state ${state}`);
    }
  }

  /** #valueTag: the first tag inside a <value> (fast-decoder's readValue). */
  #valueTag(code: number, closing: boolean, selfClosing: boolean): void {
    if (code === T.TAG_VALUE && closing) return this.#complete(this.#text); // bare text is a string
    if (selfClosing) {
      this.#pending = code === T.TAG_NIL ? null : code === T.TAG_STRING ? '' : emptyScalar(code, this.#tagName(code));
      this.#state = S.VALUE_CLOSE;
    } else if (code === T.TAG_ARRAY) {
      this.#stack.push({ items: [] });
      this.#state = S.ARRAY_OPEN;
    } else if (code === T.TAG_STRUCT) {
      const p = this.#project;
      const keep = p !== undefined && this.#skimFrom === 0 && this.#stack.length + 1 === p.depth ? p.keep : undefined;
      this.#stack.push({ items: [], names: [], key: '', keep });
      this.#state = S.STRUCT_MEMBER;
    } else if (code === T.TAG_NIL) {
      this.#state = S.NIL_CLOSE;
    } else {
      this.#scalar = code === T.TAG_OTHER ? this.#otherScalar() : code;
      // a typed scalar's text is read even in a dropped member: converting it is what refuses a bad one
      if (this.#skimFrom > 0) this.#cursor.skimming = this.#scalar === T.TAG_STRING;
      this.#state = S.SCALAR_TEXT;
    }
  }

  #closeStruct(): Struct {
    const frame = this.#stack.pop()!;
    return this.#skimFrom > 0 ? SKIPPED : buildStruct(frame.names!, frame.items);
  }

  /** #memberName takes the member name just read; a member the projection drops starts a skim of its value. */
  #memberName(): void {
    const frame = this.#stack[this.#stack.length - 1]!;
    frame.key = this.#text;
    if (frame.keep !== undefined && !frame.keep.has(this.#text)) {
      this.#skimFrom = this.#stack.length;
      this.#cursor.skimming = true;
    }
  }

  #arrayOpen(code: number, closing: boolean, selfClosing: boolean): void {
    if (code === T.TAG_ARRAY && closing) {
      this.#pending = this.#stack.pop()!.items!;
      this.#state = S.VALUE_CLOSE;
    } else if (code !== T.TAG_DATA || closing) throw new XmlRpcDecodeError('expected <data>');
    else this.#state = selfClosing ? S.ARRAY_CLOSE : S.ARRAY_ITEM;
  }

  #arrayItem(code: number, closing: boolean, selfClosing: boolean): void {
    if (code === T.TAG_DATA && closing) this.#state = S.ARRAY_CLOSE;
    else if (code !== T.TAG_VALUE || closing) throw new XmlRpcDecodeError(`expected <value> in <data>, found <${this.#tagName(code)}>`);
    else if (selfClosing) this.#stack[this.#stack.length - 1]!.items!.push('');
    else this.#state = S.VALUE_TEXT;
  }

  /** #complete hands a finished value to what holds it: an array, a struct member, or the response. */
  #complete(value: XmlRpcValue): void {
    const frame = this.#stack[this.#stack.length - 1];
    if (this.#skimFrom > 0) return this.#skimmed(frame!);
    if (frame === undefined) {
      this.#result = value;
      this.#state = this.#fault ? S.DONE : S.PARAM_CLOSE;
    } else if (frame.names === undefined) {
      frame.items.push(value);
      this.#state = S.ARRAY_ITEM;
    } else {
      frame.names.push(frame.key);
      frame.items.push(value);
      this.#state = S.MEMBER_CLOSE;
    }
  }

  /** #skimmed: a value inside a dropped member is complete; at the member's own level the skim ends. */
  #skimmed(frame: Frame): void {
    if (this.#stack.length === this.#skimFrom) {
      this.#skimFrom = 0;
      this.#cursor.skimming = false;
    }
    this.#state = frame.names === undefined ? S.ARRAY_ITEM : S.MEMBER_CLOSE;
  }

  #expect(ok: boolean, what: string, next: S): void {
    if (!ok) {
      const c = this.#cursor;
      throw new XmlRpcDecodeError(`expected <${what}> but found <${c.closing ? '/' : ''}${this.#tagName(c.code)}>`);
    }
    this.#state = next;
  }

  /** Unknown scalar tags keep their name in #otherNames (negative codes), for scalarValue's message. */
  readonly #otherNames: string[] = [];
  #otherScalar(): number {
    this.#otherNames.push(this.#cursor.otherName);
    return -this.#otherNames.length;
  }

  /** #isScalarTag: whether the tag just read has the open scalar's name. */
  #isScalarTag(code: number): boolean {
    return this.#scalar < 0 ? code === T.TAG_OTHER && this.#cursor.otherName === this.#cursorName(this.#scalar) : code === this.#scalar;
  }

  #cursorName(code: number): string {
    return code < 0 ? this.#otherNames[-code - 1]! : T.TAG_NAMES[code]!;
  }

  #tagName(code: number): string {
    return code === T.TAG_OTHER ? this.#cursor.otherName : T.TAG_NAMES[code]!;
  }
}

function emptyScalar(code: number, name: string): XmlRpcValue {
  if (code === T.TAG_BASE64) return Buffer.alloc(0);
  if (code === T.TAG_STRUCT) return {};
  if (code === T.TAG_ARRAY) return [];
  throw new XmlRpcDecodeError(`empty <${name}/>`);
}
