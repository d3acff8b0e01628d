/**
 * ByteCursor reads an XML-RPC document from UTF-8 bytes that arrive in pieces (a reply body as the
 * socket or gunzip hands it over), with the reading rules of fast-decoder.ts's Cursor:
 * - `nextTag()` is Cursor.next(): it skips whitespace, `<?…?>` and `<!--…-->`, refuses DOCTYPE
 *   and any other text, and reads one tag (name lower-cased, closing, self-closing);
 * - `readText()` is Cursor.text(): character data (entities and character references resolved,
 *   CDATA sections kept as they are, comments skipped) up to the next other `<`.
 * Both return "need more" (false / undefined) when the bytes read so far end inside what they
 * read; they are called again after `feed()`. Only what is not yet read is kept: a partial tag,
 * or the few bytes of text that cannot be decoded yet (a split UTF-8 character, an entity that may
 * go on). Strings are decoded from the bytes, so a value never keeps the reply alive (a substring
 * of one big string would). After `finish()`, running out of bytes is an error, as in the Cursor.
 */
import { TAG_OTHER, codeOfName, tagCode, type TagCode } from './tag-codes.js';
import { CACHED_LENGTH, cachedText } from './text-cache.js';
import { XmlRpcDecodeError, unescapeXml } from './xml-cursor.js';

const LT = 60;
const GT = 62;
const AMP = 38;
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;
const EMPTY = Buffer.alloc(0);

/** isSpace is fast-decoder's `/\s/` test on a code point (the non-ASCII fallback uses it). */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** isEntityByte: whether the byte can be part of `#x41` / `#65` / `amp` after an `&`. */
function isEntityByte(c: number): boolean {
  return c === 35 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export class ByteCursor {
  #buf: Buffer = EMPTY;
  #pos = 0;
  #final = false;
  #text = '';
  /** The last tag read by nextTag(). */
  code: TagCode = TAG_OTHER;
  closing = false;
  selfClosing = false;
  /** otherName is the last tag's name when `code` is TAG_OTHER (for messages). */
  otherName = '';
  /**
   * skimming: readText reads as usual but returns '' instead of the text (a value nobody will
   * keep: the streaming decoder's projection). Entities are still resolved, so a text with an
   * unknown one is refused all the same; nothing else in character data can be refused.
   */
  skimming = false;

  /**
   * #scratch holds the bytes not read yet followed by the next piece, when a piece ends inside what
   * is read (nearly every piece of a large reply): reused from piece to piece rather than a new
   * Buffer per piece (Buffer.concat), which doubled the reply's external memory until a GC. Safe to
   * reuse: nothing read keeps a view of the bytes (texts are decoded copies).
   */
  #scratch: Buffer = EMPTY;

  /** feed appends bytes; what was not read yet is kept in front of them. */
  feed(chunk: Buffer): void {
    if (this.#pos >= this.#buf.length) this.#buf = chunk;
    else this.#buf = this.#joined(chunk);
    this.#pos = 0;
    this.#ampAt = -1;
  }

  /** #joined copies the bytes not read yet and `chunk` into #scratch (grown when too small) and returns that view. */
  #joined(chunk: Buffer): Buffer {
    const rest = this.#buf.length - this.#pos;
    const length = rest + chunk.length;
    if (this.#scratch.length < length) {
      const grown = Buffer.allocUnsafe(Math.max(length, 2 * this.#scratch.length, 4096));
      this.#buf.copy(grown, 0, this.#pos);
      this.#scratch = grown;
    } else if (this.#buf.buffer === this.#scratch.buffer && this.#buf.byteOffset === this.#scratch.byteOffset) {
      this.#scratch.copyWithin(0, this.#pos, this.#buf.length);
    } else {
      this.#buf.copy(this.#scratch, 0, this.#pos);
    }
    chunk.copy(this.#scratch, rest);
    return this.#scratch.subarray(0, length);
  }

  /** finish says no more bytes will come: running out is now an error. */
  finish(): void {
    this.#final = true;
  }

  /** release drops the bytes held (the document was read to its end, the rest is ignored). */
  release(): void {
    this.#buf = EMPTY;
    this.#scratch = EMPTY;
    this.#pos = 0;
    this.#ampAt = -1;
  }

  /** nextTag reads the next tag (Cursor.next()); false: more bytes are needed. */
  nextTag(): boolean {
    const buf = this.#buf;
    const len = buf.length;
    for (;;) {
      const start = this.#pos;
      let q = start;
      while (q < len && buf[q] !== LT) q += 1;
      if (q > start) {
        const blank = this.#isBlank(start, q);
        if (blank === false) throw new XmlRpcDecodeError('unexpected text before a tag');
        if (q === len) {
          if (this.#final) throw new XmlRpcDecodeError('unexpected end of document');
          if (blank === true) this.#pos = q; // else: decide when the rest of the text has come
          return false;
        }
        this.#pos = q;
      }
      if (q + 1 >= len) return this.#needMore('unexpected end of document');
      const marker = buf[q + 1];
      if (marker === QUESTION) {
        const end = this.#find('?>', q);
        if (end < 0) return this.#needMore('unterminated ?>');
        this.#pos = end + 2;
        continue;
      }
      if (marker === BANG) {
        const comment = this.#startsWith('<!--', q);
        if (comment === undefined) return this.#needMore('unterminated tag');
        if (comment) {
          const end = this.#find('-->', q);
          if (end < 0) return this.#needMore('unterminated -->');
          this.#pos = end + 3;
          continue;
        }
        const doctype = this.#startsWith('<!DOCTYPE', q);
        if (doctype === undefined) return this.#needMore('unterminated tag');
        if (doctype) throw new XmlRpcDecodeError('DOCTYPE is not allowed');
      }
      return this.#readTag(q);
    }
  }

  /** readText reads character data up to the next tag (Cursor.text()); undefined: more bytes are needed. */
  readText(): string | undefined {
    if (this.skimming && this.#skimText()) return '';
    const buf = this.#buf;
    const len = buf.length;
    for (;;) {
      const start = this.#pos;
      let q = start;
      let flags = 0;
      let hash = 0;
      while (q < len) {
        const c = buf[q]!;
        if (c === LT) break;
        if (c === AMP) flags |= 1;
        else if (c >= 128) flags |= 2;
        hash = (Math.imul(hash, 31) + c) | 0;
        q += 1;
      }
      if (q === len) {
        if (this.#final) throw new XmlRpcDecodeError('unexpected end of document');
        const cut = this.#safeCut(start, len, flags);
        if (cut > start) this.#text += this.#decode(start, cut, flags | 4);
        this.#pos = cut;
        return undefined;
      }
      if (q > start) this.#text += this.#decode(start, q, flags, hash);
      this.#pos = q;
      if (q + 1 >= len) return this.#needMore('unexpected end of document') || undefined;
      if (buf[q + 1] === BANG) {
        const cdata = this.#startsWith('<![CDATA[', q);
        const comment = cdata ? false : this.#startsWith('<!--', q);
        if (cdata === undefined || comment === undefined) return this.#needMore('unexpected end of document') || undefined;
        if (cdata) {
          const end = this.#find(']]>', q);
          if (end < 0) return this.#needMore('unterminated CDATA') || undefined;
          if (!this.skimming) this.#text += buf.toString('utf8', q + 9, end);
          this.#pos = end + 3;
          continue;
        }
        if (comment) {
          const end = this.#find('-->', q);
          if (end < 0) return this.#needMore('unterminated -->') || undefined;
          this.#pos = end + 3;
          continue;
        }
      }
      const text = this.#text;
      this.#text = '';
      return text;
    }
  }

  /** #ampAt: where the next `&` at or after #pos is in #buf (its length: none); -1: not looked for yet. */
  #ampAt = -1;

  /**
   * #skimText is readText's fast path while skimming: text without `&` that ends at a tag (not at
   * `<!`: CDATA or a comment) is stepped over with native searches, as the loop would read it
   * (nothing in such text can be refused). Anything else: false, and the loop reads it.
   */
  #skimText(): boolean {
    const buf = this.#buf;
    const start = this.#pos;
    const lt = buf.indexOf(LT, start);
    if (lt < 0 || lt + 1 >= buf.length || buf[lt + 1] === BANG) return false;
    if (this.#ampAt < start) {
      const amp = buf.indexOf(AMP, start);
      this.#ampAt = amp < 0 ? buf.length : amp;
    }
    if (this.#ampAt < lt) return false;
    this.#pos = lt;
    this.#text = '';
    return true;
  }

  /**
   * #decode turns bytes [from, to) of text into a string, entities resolved (flags: 1 `&`,
   * 2 non-ASCII, 4 not the whole run: no cache); `hash` is the run's hash (see #cached).
   */
  #decode(from: number, to: number, flags: number, hash = 0): string {
    if (this.skimming) {
      if (flags & 1) unescapeXml(this.#buf.toString(flags & 2 ? 'utf8' : 'latin1', from, to));
      return '';
    }
    if (flags === 0 && to - from <= CACHED_LENGTH) return cachedText(this.#buf, from, to, hash);
    const text = this.#buf.toString(flags & 2 ? 'utf8' : 'latin1', from, to);
    return flags & 1 ? unescapeXml(text) : text;
  }

  /** skip steps over `literal` (ASCII bytes) if the bytes here are exactly it (the canonical layout's shortcuts). */
  skip(literal: Uint8Array): boolean {
    const buf = this.#buf;
    const at = this.#pos;
    const n = literal.length;
    if (at + n > buf.length) return false;
    for (let i = 0; i < n; i += 1) if (buf[at + i] !== literal[i]) return false;
    this.#pos = at + n;
    return true;
  }

  /**
   * #safeCut: how far text without a `<` can be decoded now: not into a character whose bytes
   * have not all come, nor past an `&` whose entity may go on in the next bytes.
   */
  #safeCut(from: number, to: number, flags: number): number {
    const buf = this.#buf;
    let cut = to;
    if (flags & 1) {
      let amp = to - 1;
      while (amp >= from && buf[amp] !== AMP) amp -= 1;
      let open = true;
      for (let i = amp + 1; i < to && open; i += 1) open = isEntityByte(buf[i]!);
      if (open) cut = amp;
    }
    if (cut === to && flags & 2) {
      let lead = to - 1;
      while (lead > from && (buf[lead]! & 0xc0) === 0x80) lead -= 1;
      if (buf[lead]! >= 0x80) cut = lead;
    }
    return cut;
  }

  /** #isBlank: true if bytes [from, to) are whitespace, false if not, undefined if not known yet (a split character). */
  #isBlank(from: number, to: number): boolean | undefined {
    const buf = this.#buf;
    let simple = true;
    for (let i = from; i < to && simple; i += 1) {
      const c = buf[i];
      simple = c === 32 || c === 10 || c === 13 || c === 9;
    }
    if (simple) return true;
    if (to === buf.length && !this.#final) {
      let lead = to - 1;
      while (lead > from && (buf[lead]! & 0xc0) === 0x80) lead -= 1;
      if (buf[lead]! >= 0x80) return buf.toString('utf8', from, lead).trim() === '' ? undefined : false;
    }
    return buf.toString('utf8', from, to).trim() === '';
  }

  /** #readTag reads `<name …>`, `</name>` or `<name …/>` at `open` (Cursor.readTag). */
  #readTag(open: number): boolean {
    const buf = this.#buf;
    const len = buf.length;
    let close = open + 1;
    while (close < len && buf[close] !== GT) close += 1;
    if (close === len) return this.#needMore('unterminated tag');
    this.#pos = close + 1;
    let start = open + 1;
    let end = close;
    this.closing = start < end && buf[start] === SLASH;
    this.selfClosing = start < end && buf[end - 1] === SLASH;
    if (this.closing) start += 1;
    if (this.selfClosing && end > start) end -= 1;
    let i = start;
    for (; i < end; i += 1) {
      const c = buf[i]!;
      if (c >= 128) return this.#readTagText(start, end);
      if (c === 32 || (c >= 9 && c <= 13)) break;
    }
    this.code = tagCode(buf, start, i);
    if (this.code === TAG_OTHER) this.otherName = buf.toString('latin1', start, i).toLowerCase();
    return true;
  }

  /** #readTagText is #readTag's name for a tag with non-ASCII bytes, read as the Cursor reads it. */
  #readTagText(start: number, end: number): boolean {
    const text = this.#buf.toString('utf8', start, end);
    let i = 0;
    while (i < text.length && !isSpace(text.charCodeAt(i))) i += 1;
    const name = text.slice(0, i).toLowerCase();
    this.code = codeOfName(name);
    this.otherName = name;
    return true;
  }

  /** #startsWith: whether the bytes at `at` are `literal`; undefined when too few bytes have come to tell. */
  #startsWith(literal: string, at: number): boolean | undefined {
    const buf = this.#buf;
    for (let i = 0; i < literal.length; i += 1) {
      if (at + i >= buf.length) return this.#final ? false : undefined;
      if (buf[at + i] !== literal.charCodeAt(i)) return false;
    }
    return true;
  }

  #find(literal: string, from: number): number {
    return this.#buf.indexOf(literal, from, 'latin1');
  }

  /** #needMore: false (wait for bytes), or the error `message` once no more bytes will come. */
  #needMore(message: string): false {
    if (this.#final) throw new XmlRpcDecodeError(message);
    return false;
  }
}
