/**
 * Health details: a condition or a medication from the lexicon, scored by the words around it.
 * Alone a condition is a topic (`the diabetes guideline`), so it needs context: diagnosis and
 * treatment words (strong), first-person and possessive words (weak). Software around it
 * (`npm i xanax-ui`, `metformin.js`, `the lyrica package`) rules it out.
 */
import { CONDITION, MEDICATION } from './lexicon.js';
import { isAlnum, isLetter, wordIs } from './tokens.js';
import { HEALTH_PHRASES } from './words.js';

/** Phrases by first word, for `high blood pressure` and `type 2 diabetes`. */
const PHRASES = new Map<string, string[]>();
for (const p of HEALTH_PHRASES) {
  const head = p.split(' ')[0]!;
  PHRASES.set(head, [...(PHRASES.get(head) ?? []), p]);
}

/** The end of a multi-word condition starting at `i`, or -1. */
export function phraseEnd(s: string, i: number, headEnd: number): number {
  const head = s.slice(i, headEnd).toLowerCase();
  for (const p of PHRASES.get(head) ?? []) {
    let k = 0;
    while (k < p.length) {
      let c = s.charCodeAt(i + k);
      if (c >= 65 && c <= 90) c += 32;
      if (c !== p.charCodeAt(k)) break;
      k++;
    }
    if (k === p.length && !isLetter(s.charCodeAt(i + k))) return i + k;
  }
  return -1;
}

/** Base confidence before context. */
export function healthBase(flags: number, phrase: boolean): number {
  if (phrase) return 0.5;
  if ((flags & MEDICATION) !== 0) return 0.45;
  if ((flags & CONDITION) !== 0) return 0.4;
  return 0;
}

/**
 * True when the word at `[i, e)` is glued to code: `xanax-ui`, `@scope/prozac`, `metformin.js`,
 * `lyrica_client`, or inside backticks.
 */
export function looksLikeCode(s: string, i: number, e: number): boolean {
  const b = s.charCodeAt(i - 1);
  const a = s.charCodeAt(e);
  const glued = (c: number) => c === 45 || c === 95 || c === 46 || c === 47 || c === 64;
  if ((glued(b) || b === 96) && isAlnum(s.charCodeAt(i - 2))) return true;
  if (b === 96 || b === 47 || b === 64) return true;
  if (glued(a) && isLetter(s.charCodeAt(e + 1))) return true;
  if (a === 96) return true;
  // `prozac@1.2.0`, `xanax==2.0`
  return a === 64 || (a === 61 && s.charCodeAt(e + 1) === 61) || wordIs(s, e + 1, 'js');
}
