/**
 * YamlSource is one manifest file's text with what positions need: a LineCounter and the `yaml`
 * Documents (node ranges). When the fast path read the file (fast-yaml/fast-parse.ts), both are
 * built only on first use: a file whose documents are all valid is then never composed by `yaml`,
 * and a diagnostic or a locateField still gets the exact node it names.
 */
import type { Document, LineCounter } from 'yaml';
import { yaml } from './lazy-yaml.js';
import { LineStarts } from './line-starts.js';

/** YAML_OPTIONS are the reference parser's options, for the first parse and a lazy one alike. */
export const YAML_OPTIONS = { prettyErrors: false, uniqueKeys: true, merge: true } as const;

export class YamlSource {
  #lineCounter: LineCounter | undefined;
  #documents: Document.Parsed[] | undefined;

  private constructor(readonly text: string) {}

  /** parsed wraps what the reference parser already built. */
  static parsed(text: string, lineCounter: LineCounter, documents: Document.Parsed[]): YamlSource {
    const source = new YamlSource(text);
    source.#lineCounter = lineCounter;
    source.#documents = documents;
    return source;
  }

  /** lazy defers parsing `text` with `yaml` until a position is asked for. */
  static lazy(text: string): YamlSource {
    return new YamlSource(text);
  }

  /**
   * lineCounter: a line starts at 0 and after every '\n', as yaml's parser reports them (the fast
   * path only takes text without '\r', so no other line break occurs).
   */
  get lineCounter(): LineCounter {
    if (this.#lineCounter === undefined) {
      const counter = new LineStarts();
      counter.addNewLine(0);
      for (let at = this.text.indexOf('\n'); at !== -1; at = this.text.indexOf('\n', at + 1)) counter.addNewLine(at + 1);
      this.#lineCounter = counter;
    }
    return this.#lineCounter;
  }

  /** documentAt is the parsed document whose contents start at `rootOffset`, else the one holding it. */
  documentAt(rootOffset: number): Document.Parsed {
    const documents = this.#parse();
    const exact = documents.find((d) => d.contents?.range?.[0] === rootOffset);
    const holding = documents.find((d) => d.range[0] <= rootOffset && rootOffset < d.range[2]);
    const found = exact ?? holding ?? documents[0];
    if (found === undefined) throw new Error(`internal: no YAML document at offset ${rootOffset}`);
    return found;
  }

  #parse(): Document.Parsed[] {
    if (this.#documents === undefined) {
      const lineCounter = new (yaml().LineCounter)();
      const parsed = yaml().parseAllDocuments(this.text, { lineCounter, ...YAML_OPTIONS });
      this.#documents = 'empty' in parsed ? [] : parsed;
      this.#lineCounter ??= lineCounter;
    }
    return this.#documents;
  }
}
