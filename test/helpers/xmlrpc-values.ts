/**
 * randomXmlRpcValue makes a random XML-RPC value from a seeded `random` (strings from `texts`,
 * ints, doubles, booleans, nil, base64, dateTime when `dates`, and arrays and structs up to depth
 * 3), for the decoders' differential tests.
 */
import type { XmlRpcValue } from '../../src/xmlrpc/value.js';

export interface RandomValueOptions {
  texts: readonly string[];
  /** dates: also make whole-second dateTime values (not for oracles that print local time). */
  dates: boolean;
}

export function randomXmlRpcValue(random: () => number, options: RandomValueOptions, depth = 0): XmlRpcValue {
  const text = () => options.texts[Math.floor(random() * options.texts.length)]!;
  const scalars = options.dates ? 7 : 6;
  const pick = Math.floor(random() * (depth > 2 ? scalars : scalars + 2));
  switch (pick) {
    case 0: return text();
    case 1: return Math.floor((random() - 0.5) * 2 ** 31);
    case 2: return (random() - 0.5) * 1e6;
    case 3: return random() < 0.5;
    case 4: return null;
    case 5: return Buffer.from(text());
    case 6: if (options.dates) return new Date(Math.floor(random() * 2e12 / 1000) * 1000);
  }
  if (pick === scalars) return Array.from({ length: Math.floor(random() * 4) }, () => randomXmlRpcValue(random, options, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, (_, i) => [`k${i}${text().trim()}`, randomXmlRpcValue(random, options, depth + 1)]));
}
