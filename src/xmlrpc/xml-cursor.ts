/**
 * The XML reading primitives of the XML-RPC decoder (fast-decoder.ts): a cursor over a document
 * that reads tags, character data (entities, CDATA, comments) and the canonical-layout shortcuts.
 */
export class XmlRpcDecodeError extends Error {}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function unescapeXml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref[0] === '#') return String.fromCodePoint(ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    const named = ENTITIES[ref];
    if (named === undefined) throw new XmlRpcDecodeError(`unknown entity ${whole}`);
    return named;
  });
}

const SLASH = 47;
const LESS_THAN = 60;
const QUESTION = 63;
const BANG = 33;

/** isSpace is `/\s/` on one UTF-16 code unit (a tag name ends at the first). */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** isBlank: whether xml[from, to) is only whitespace, as `String.prototype.trim` sees it. */
function isBlank(xml: string, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) {
    const c = xml.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return xml.slice(from, to).trim() === '';
  }
  return true;
}

export interface Tag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
}

/** Cursor walks the document tag by tag; text between tags is read with `text()`. */
export class Cursor {
  pos = 0;
  constructor(readonly xml: string) {}

  /** next returns the next tag, skipping the declaration, comments and whitespace. */
  next(): Tag {
    for (;;) {
      const open = this.xml.indexOf('<', this.pos);
      if (open < 0) throw new XmlRpcDecodeError('unexpected end of document');
      if (open > this.pos && !isBlank(this.xml, this.pos, open)) throw new XmlRpcDecodeError(`unexpected text at ${this.pos}`);
      const marker = this.xml.charCodeAt(open + 1);
      if (marker !== QUESTION && marker !== BANG) return this.readTag(open);
      if (this.xml.startsWith('<?', open)) this.pos = this.after('?>', open);
      else if (this.xml.startsWith('<!--', open)) this.pos = this.after('-->', open);
      else if (this.xml.startsWith('<!DOCTYPE', open)) throw new XmlRpcDecodeError('DOCTYPE is not allowed');
      else return this.readTag(open);
    }
  }

  /**
   * skip steps over `literal` if the document has exactly it here. The canonical layout (no
   * whitespace, lower-case tags, as our encoder and most servers print) takes these shortcuts;
   * anything else falls back to next() and expect(), which read it as before.
   */
  skip(literal: string): boolean {
    if (!this.xml.startsWith(literal, this.pos)) return false;
    this.pos += literal.length;
    return true;
  }

  /** plainString reads `text</value>` or `<string>text</string></value>` here, else undefined. */
  plainString(): string | undefined {
    const xml = this.xml;
    let from = this.pos;
    let closing = '</value>';
    if (xml.startsWith('<string>', from)) {
      from += 8;
      closing = '</string></value>';
    } else if (xml.charCodeAt(from) === LESS_THAN) {
      return undefined;
    }
    const end = xml.indexOf('<', from);
    if (end < 0 || !xml.startsWith(closing, end)) return undefined;
    const text = unescapeXml(xml.slice(from, end));
    this.pos = end + closing.length;
    return text;
  }

  /** memberName reads `<member><name>key</name><value>` here and returns the key, else undefined. */
  memberName(): string | undefined {
    const xml = this.xml;
    if (!xml.startsWith('<member><name>', this.pos)) return undefined;
    const from = this.pos + 14;
    const end = xml.indexOf('<', from);
    if (end < 0 || !xml.startsWith('</name><value>', end)) return undefined;
    const name = unescapeXml(xml.slice(from, end));
    this.pos = end + 14;
    return name;
  }

  /** text reads character data (with CDATA sections) up to the next element tag. */
  text(): string {
    let out = '';
    for (;;) {
      const open = this.xml.indexOf('<', this.pos);
      if (open < 0) throw new XmlRpcDecodeError('unexpected end of document');
      out += unescapeXml(this.xml.slice(this.pos, open));
      if (this.xml.startsWith('<![CDATA[', open)) {
        const end = this.xml.indexOf(']]>', open);
        if (end < 0) throw new XmlRpcDecodeError('unterminated CDATA');
        out += this.xml.slice(open + 9, end);
        this.pos = end + 3;
      } else if (this.xml.startsWith('<!--', open)) {
        this.pos = this.after('-->', open);
      } else {
        this.pos = open;
        return out;
      }
    }
  }

  expect(name: string, closing = false): Tag {
    const tag = this.next();
    if (tag.name !== name || tag.closing !== closing) throw new XmlRpcDecodeError(`expected <${closing ? '/' : ''}${name}> but found <${tag.closing ? '/' : ''}${tag.name}>`);
    return tag;
  }

  /** readTag reads `<name …>`, `</name>` or `<name …/>` at `open`; the name is lower-cased. */
  private readTag(open: number): Tag {
    const xml = this.xml;
    const close = xml.indexOf('>', open);
    if (close < 0) throw new XmlRpcDecodeError('unterminated tag');
    this.pos = close + 1;
    let start = open + 1;
    let end = close;
    const closing = start < end && xml.charCodeAt(start) === SLASH;
    const selfClosing = start < end && xml.charCodeAt(end - 1) === SLASH;
    if (closing) start += 1;
    if (selfClosing && end > start) end -= 1; // `</>` is both, with an empty name
    let lower = true;
    let i = start;
    for (; i < end; i += 1) {
      const c = xml.charCodeAt(i);
      if (isSpace(c)) break;
      if ((c >= 65 && c <= 90) || c > 126) lower = false;
    }
    const name = xml.slice(start, i);
    return { name: lower ? name : name.toLowerCase(), closing, selfClosing };
  }

  private after(marker: string, from: number): number {
    const end = this.xml.indexOf(marker, from);
    if (end < 0) throw new XmlRpcDecodeError(`unterminated ${marker}`);
    return end + marker.length;
  }
}
