/**
 * Person names: a known given name followed by capitalised words, a title followed by them, or
 * any capitalised words after a strong name context (`my name is`, `Dear`, `signed`). A given
 * name alone scores lower, and an ambiguous one (`Jordan`, `Claude`, `Will`, `Rose`) only counts
 * with context; a product word after it (`Claude Code`, `Jasper AI`) rules it out.
 */
import {
  BRAND,
  FIRST,
  FIRST_AMBIGUOUS,
  hashWord,
  LEXICON,
  NOT_SURNAME,
  PRODUCT_MARKER,
  TITLE,
} from './lexicon.js';
import { capitalisedEnd, isLetter, isUpper, skipSpaces, wordEnd, wordIs } from './tokens.js';

const NAME_PARTICLES = [
  'van',
  'von',
  'de',
  'da',
  'di',
  'del',
  'der',
  'den',
  'le',
  'la',
  'du',
  'dos',
  'bin',
  'ibn',
  'al',
  'ten',
  'zu',
];

function flagsOf(s: string, i: number, e: number): number {
  return LEXICON.lookup(s, i, e, hashWord(s.slice(i, e)));
}

export interface NameSpan {
  end: number;
  /** Surname-like words after the first one. */
  more: number;
  /** A product/company word followed (`Claude Code`): not a person. */
  product: boolean;
}

/** Middle initial: `F.` in `John F. Kennedy`. */
function initialEnd(s: string, i: number): number {
  if (isUpper(s.charCodeAt(i)) && !isLetter(s.charCodeAt(i + 1)) && s.charCodeAt(i + 1) === 46) {
    return i + 2;
  }
  return -1;
}

/**
 * Extends a name whose first word ends at `firstEnd` over following capitalised words (up to
 * three), particles (`van`, `de`) and initials.
 */
export function extendName(s: string, firstEnd: number): NameSpan {
  let end = firstEnd;
  let more = 0;
  let p = firstEnd;
  for (let w = 0; w < 4; w++) {
    const q = skipSpaces(s, p);
    if (q === p || q - p > 2) break;
    let r = q;
    const init = initialEnd(s, r);
    if (init !== -1) {
      const after = skipSpaces(s, init);
      if (capitalisedEnd(s, after) === -1) break;
      p = init;
      continue;
    }
    let particle = false;
    for (const part of NAME_PARTICLES) {
      if (wordIs(s, r, part) && !isUpper(s.charCodeAt(r))) {
        const after = skipSpaces(s, r + part.length);
        if (after > r + part.length && capitalisedEnd(s, after) !== -1) {
          r = after;
          particle = true;
        }
        break;
      }
    }
    const e = capitalisedEnd(s, r);
    if (e === -1) break;
    const flags = flagsOf(s, r, wordEnd(s, r));
    if ((flags & PRODUCT_MARKER) !== 0) {
      // The marker is part of the product name: `Claude Code` is skipped whole.
      return more === 0 && !particle
        ? { end: e, more, product: true }
        : { end, more, product: false };
    }
    if ((flags & NOT_SURNAME) !== 0) break;
    // `Jane Smith Llama 3 returned…`: a brand with a version after it starts another phrase.
    if ((flags & BRAND) !== 0 && versionOrMarkerAfter(s, e)) break;
    end = e;
    more++;
    p = e;
  }
  return { end, more, product: false };
}

function versionOrMarkerAfter(s: string, e: number): boolean {
  const p = skipSpaces(s, e);
  if (p === e) return false;
  const c = s.charCodeAt(p);
  if (c >= 48 && c <= 57) return true;
  const we = wordEnd(s, p);
  return we > p && (flagsOf(s, p, we) & PRODUCT_MARKER) !== 0;
}

/** Base confidence of a name starting with a word of these lexicon flags. */
export function nameScore(flags: number, span: NameSpan): number {
  if (span.product || (flags & NOT_SURNAME) !== 0) return 0;
  if ((flags & TITLE) !== 0) return 0.85;
  if ((flags & BRAND) !== 0) return span.more > 0 ? 0.5 : 0.1;
  const plain = (flags & FIRST) !== 0 && (flags & (FIRST_AMBIGUOUS | NOT_SURNAME)) === 0;
  if (span.more > 0) return plain ? 0.85 : 0.7;
  return plain ? 0.6 : 0.25;
}

/**
 * After a title (`Dr.`, `Mrs`, `Herr`) at `[i, e)`: the name span that follows, or -1. A title
 * must be capitalised, so `dr` in `dr run` is nothing.
 */
export function afterTitle(
  s: string,
  i: number,
  e: number,
): { start: number; end: number } | undefined {
  if (!isUpper(s.charCodeAt(i))) return undefined;
  const p = skipSpaces(s, s.charCodeAt(e) === 46 ? e + 1 : e);
  if (p === e && s.charCodeAt(e) !== 46) return undefined;
  const first = capitalisedEnd(s, p);
  if (first === -1 || (flagsOf(s, p, wordEnd(s, p)) & NOT_SURNAME) !== 0) return undefined;
  const span = extendName(s, first);
  return { start: p, end: span.end };
}

const BRIDGES = ['is', 'was', 'ist', 'est', 'es', 'am', 'me', 'as', 'by', 'from'];

/**
 * After a strong name context (`name`, `called`, `Dear`, `regards,`) ending at `e`: the start of
 * the capitalised words that follow (skipping `:`, `,`, `is`, quotes), or -1.
 */
export function nameStartAfterContext(s: string, e: number): number {
  let p = e;
  for (let k = 0; k < 4; k++) {
    const c = s.charCodeAt(p);
    if (c === 32 || c === 58 || c === 44 || c === 34 || c === 39 || c === 61 || c === 45) {
      p++;
      continue;
    }
    if (c === 10 && k < 3) {
      p++;
      continue;
    }
    let bridged = false;
    for (const b of BRIDGES) {
      if (wordIs(s, p, b)) {
        p += b.length;
        bridged = true;
        break;
      }
    }
    if (!bridged) break;
  }
  p = skipSpaces(s, p);
  return capitalisedEnd(s, p) === -1 ? -1 : p;
}
