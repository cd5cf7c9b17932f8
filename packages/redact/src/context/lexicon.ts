/**
 * One table for every word the context detectors care about, with what each word is as bit
 * flags. The word pass hashes each word while it reads it (lower case, one multiply per
 * character), so a lookup costs one probe and, on a hit, one compare: no slice, no Map.
 */
import { AMBIGUOUS_FIRST_NAMES } from './ambiguous-first-names.js';
import { FIRST_NAMES } from './first-names.js';
import * as W from './words.js';

export const FIRST = 1;
export const FIRST_AMBIGUOUS = 2;
export const TITLE = 4;
export const NAME_CTX = 8;
export const NAME_CTX_WEAK = 16;
export const NOT_SURNAME = 32;
export const ADDRESS_CTX = 64;
export const STREET_SUFFIX = 128;
export const STREET_PREFIX = 256;
export const STREET_DE = 512;
export const BIRTH_CTX = 1024;
export const MONTH = 2048;
export const HEALTH_CTX = 4096;
export const HEALTH_CTX_WEAK = 8192;
export const SOFTWARE_CTX = 16384;
export const CONDITION = 32768;
export const MEDICATION = 65536;
/** First word of a multi-word condition (`high` of `high blood pressure`). */
export const PHRASE_HEAD = 131072;
export const PRODUCT_MARKER = 262144;
export const BRAND = 524288;
export const GREETING = 1048576;

/** Bits that start a candidate (checked first, so most context-only words cost nothing more). */
export const CANDIDATE =
  FIRST | FIRST_AMBIGUOUS | TITLE | STREET_DE | MONTH | CONDITION | MEDICATION | PHRASE_HEAD;

const SIZE = 1 << 15;
const MASK = SIZE - 1;

/** Lower-cases one UTF-16 unit: ASCII and Latin-1/Latin Extended-A letters (enough for EN/DE/FR/ES). */
export function lower(c: number): number {
  if (c >= 65 && c <= 90) return c + 32;
  if (c < 0xc0) return c;
  if (c <= 0xde && c !== 0xd7) return c + 32;
  if (c >= 0x100 && c <= 0x17f && (c & 1) === 0 && c !== 0x130 && c !== 0x138) return c + 1;
  return c;
}

/** The hash the word pass computes incrementally: `h = (h * 31 + lower(c)) | 0` per character. */
export function hashWord(w: string): number {
  let h = 0;
  for (let i = 0; i < w.length; i++) h = (Math.imul(h, 31) + lower(w.charCodeAt(i))) | 0;
  return h;
}

class Lexicon {
  private readonly slots = new Int32Array(SIZE).fill(-1);
  private readonly next: number[] = [];
  private readonly wordsList: string[] = [];
  private readonly hashes: number[] = [];
  readonly flagsOf: number[] = [];

  add(word: string, flag: number): void {
    const w = word.toLowerCase();
    const h = hashWord(w);
    for (let e = this.slots[h & MASK]!; e !== -1; e = this.next[e]!) {
      if (this.wordsList[e] === w) {
        this.flagsOf[e]! |= flag;
        return;
      }
    }
    const e = this.wordsList.length;
    this.wordsList.push(w);
    this.hashes.push(h);
    this.flagsOf.push(flag);
    this.next.push(this.slots[h & MASK]!);
    this.slots[h & MASK] = e;
  }

  /** Flags of `s[start, end)` given its hash, or 0 when it is no word of ours. */
  lookup(s: string, start: number, end: number, h: number): number {
    for (let e = this.slots[h & MASK]!; e !== -1; e = this.next[e]!) {
      if (this.hashes[e] !== h) continue;
      const w = this.wordsList[e]!;
      if (w.length !== end - start) continue;
      let k = 0;
      while (k < w.length && lower(s.charCodeAt(start + k)) === w.charCodeAt(k)) k++;
      if (k === w.length) return this.flagsOf[e]!;
    }
    return 0;
  }
}

function build(): Lexicon {
  const lex = new Lexicon();
  const all = (list: readonly string[], flag: number) => {
    for (const w of list) lex.add(w, flag);
  };
  all(FIRST_NAMES.split(' '), FIRST);
  all(AMBIGUOUS_FIRST_NAMES.split(' '), FIRST_AMBIGUOUS);
  all(W.TITLES, TITLE);
  all(W.NAME_CONTEXT_STRONG, NAME_CTX);
  all(W.NAME_CONTEXT_WEAK, NAME_CTX_WEAK);
  all(W.NOT_SURNAME, NOT_SURNAME);
  all(W.PRODUCT_MARKERS, PRODUCT_MARKER);
  all(W.BRANDS, BRAND);
  all(['hi', 'hello', 'hey', 'bonjour', 'hallo', 'hola'], GREETING);
  all(W.ADDRESS_CONTEXT, ADDRESS_CTX);
  all(W.STREET_SUFFIX, STREET_SUFFIX);
  all(W.STREET_PREFIX, STREET_PREFIX);
  all(W.STREET_DE, STREET_DE);
  all(W.BIRTH_CONTEXT, BIRTH_CTX);
  all(Object.keys(W.MONTHS), MONTH);
  all(W.HEALTH_CONTEXT_STRONG, HEALTH_CTX);
  all(W.HEALTH_CONTEXT_WEAK, HEALTH_CTX_WEAK);
  all(W.SOFTWARE_CONTEXT, SOFTWARE_CTX);
  all(W.CONDITIONS, CONDITION);
  all(W.MEDICATIONS, MEDICATION);
  all(
    W.HEALTH_PHRASES.map((p) => p.split(' ')[0]!),
    PHRASE_HEAD,
  );
  return lex;
}

export const LEXICON = build();

/** Month number of a month word (1-12), 0 when it is none. */
export function monthOf(s: string, start: number, end: number): number {
  let w = '';
  for (let i = start; i < end; i++) w += String.fromCharCode(lower(s.charCodeAt(i)));
  return W.MONTHS[w] ?? 0;
}
