/**
 * The context pass: finds person names, postal addresses, dates of birth and health details in
 * free text, each with a confidence from 0 to 1, raised and lowered by the words around it (as
 * Presidio's context enhancer does). Two phases, both linear:
 * 1. read every word once, hashing it as it goes, and keep only lexicon words (given names,
 *    titles, street types, conditions, context words...) and house-number-like digit runs;
 * 2. turn those hits into candidates and score each with the context hits near it.
 * Dates are parsed only after a birth word, so text without one never pays for date parsing.
 */

import * as unitsModule from '../detect/units.js';
import type { EntityType } from '../types.js';
import * as A from './address.js';
import { dateAt } from './dates.js';
import { healthBase, looksLikeCode, phraseEnd } from './health.js';
import * as L from './lexicon.js';
import { afterTitle, extendName, nameScore, nameStartAfterContext } from './names.js';
import * as T from './tokens.js';

/** Minimum confidence per context type; Infinity turns a type off. */
export interface ContextThresholds {
  PERSON: number;
  ADDRESS: number;
  DATE_OF_BIRTH: number;
  HEALTH: number;
}

export interface Scored {
  start: number;
  end: number;
  type: EntityType;
  score: number;
}

/** Digit run followed by a word: a house number may start here. */
const NUMBER = 1 << 22;
/** Capitalised word followed by ` <digit>`: a German street may end here. */
const CAP_NUM = 1 << 23;

// Local bindings: under tsx/vite-node an imported name is a getter call on every use, which
// costs more than the pass itself in its per-character loop.
const { LEXICON, lower } = L;
const { capitalisedEnd, isAlnum, isApostrophe, isDigit, isLetter, isUpper, wordEnd } = T;
const { addressFromNumber: fromNumber, addressFromStreetName: fromStreetName } = A;
const { loadUnits } = unitsModule;

// Hit buffers, reused across calls (the pass is synchronous and never re-entered).
let HS = new Int32Array(256);
let HE = new Int32Array(256);
let HF = new Int32Array(256);
let count = 0;

function push(start: number, end: number, flags: number): void {
  if (count === HS.length) {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    HS = grow(HS);
    HE = grow(HE);
    HF = grow(HF);
  }
  HS[count] = start;
  HE[count] = end;
  HF[count] = flags;
  count++;
}

/** Characters before a digit run that make it part of code or a path, not a house number. */
function codeBefore(c: number): boolean {
  return (
    isAlnum(c) || c === 47 || c === 46 || c === 35 || c === 45 || c === 95 || c === 58 || c === 36
  );
}

/**
 * Reads `u`, the units copy of `s` (detect/units.ts), which the pattern scanner then reuses:
 * zeros follow the last unit, where charCodeAt gives NaN, and both fail every test below alike.
 */
function collect(s: string, u: Uint16Array, addresses: boolean): void {
  count = 0;
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = u[i]!;
    if (c < 128 ? (c | 32) >= 97 && (c | 32) <= 122 : isLetter(c)) {
      const start = i;
      let h = 0;
      for (;;) {
        const d = u[i]!;
        if (d < 128 ? (d | 32) >= 97 && (d | 32) <= 122 : isLetter(d)) {
          h = (Math.imul(h, 31) + lower(d)) | 0;
          i++;
        } else if (isApostrophe(d) && i > start && isLetter(u[i + 1]!)) {
          h = (Math.imul(h, 31) + 39) | 0;
          i++;
        } else break;
      }
      let f = LEXICON.lookup(s, start, i, h);
      if (addresses && i - start >= 4 && isUpper(u[start]!)) {
        // `Hauptstraße 5`, `Goethestr. 12`
        const sp = u[i] === 46 ? i + 1 : i;
        if (u[sp] === 32 && isDigit(u[sp + 1]!)) f |= CAP_NUM;
      }
      if (f !== 0) push(start, i, f);
    } else if (c >= 48 && c <= 57) {
      const start = i;
      for (let d = c; d >= 48 && d <= 57; d = u[++i]!);
      if (addresses && i - start <= 5 && !codeBefore(start > 0 ? u[start - 1]! : 0)) {
        let p = i;
        if (isLetter(u[p]!) && !isLetter(u[p + 1]!)) p++;
        if (u[p] === 45 && isDigit(u[p + 1]!)) while (isDigit(u[++p]!));
        if (u[p] === 44) p++;
        // `12 Baker Street`, `6996 70th Blvd`
        if (u[p] === 32 && isAlnum(u[p + 1]!)) push(start, i, NUMBER);
      }
      // The rest of an alphanumeric token (`4th`, `v2beta`) is not a word of its own.
      while (isAlnum(u[i]!)) i++;
    } else {
      i++;
    }
  }
}

/** OR of the flags of hits within `before` characters before and `after` after hit k. */
function around(k: number, start: number, end: number, before: number, after: number): number {
  let f = 0;
  for (let j = k - 1; j >= 0 && HE[j]! >= start - before; j--) f |= HF[j]!;
  for (let j = k + 1; j < count && HS[j]! <= end + after; j++) f |= HF[j]!;
  return f;
}

/** A strong name context within 32 characters before, in the same sentence. */
let lastPersonEnd = -1;

function strongBefore(s: string, k: number, start: number): boolean {
  for (let j = k - 1; j >= 0 && HE[j]! >= start - 32; j--) {
    if ((HF[j]! & L.NAME_CTX) === 0) continue;
    // One context word introduces one name: `regards, Jane Smith tool=Georgia` has one person.
    if (HE[j]! <= lastPersonEnd) return false;
    for (let p = HE[j]!; p < start; p++) {
      const c = s.charCodeAt(p);
      if (c === 46 || c === 33 || c === 63 || c === 10) return false;
    }
    return true;
  }
  return false;
}

function nameContext(s: string, k: number, start: number, end: number): number {
  const before = around(k, start, start, 32, 0);
  let bonus = 0;
  if (strongBefore(s, k, start)) bonus += 0.35;
  if (((before | around(k, start, end, 0, 24)) & L.NAME_CTX_WEAK) !== 0) bonus += 0.15;
  return bonus;
}

function healthContext(k: number, start: number, end: number): number {
  const near = around(k, start, end, 60, 40);
  let bonus = 0;
  if ((near & L.HEALTH_CTX) !== 0) bonus += 0.4;
  if ((around(k, start, start, 30, 0) & L.HEALTH_CTX_WEAK) !== 0) bonus += 0.2;
  // Another condition or drug close by: a list of someone's health details.
  if ((near & (L.CONDITION | L.MEDICATION)) !== 0) bonus += 0.1;
  if ((around(k, start, end, 30, 30) & L.SOFTWARE_CTX) !== 0) bonus -= 0.6;
  return bonus;
}

/** Forward from a birth word: the first date within 40 characters. */
function dateAfter(s: string, from: number): [number, number] | undefined {
  const limit = Math.min(s.length, from + 40);
  for (let p = from; p < limit; p++) {
    const c = s.charCodeAt(p);
    if (!isAlnum(c) || isAlnum(s.charCodeAt(p - 1))) continue;
    const e = dateAt(s, p);
    if (e !== -1) return [p, e];
    if (c === 10) return undefined;
  }
  return undefined;
}

function dateBefore(s: string, from: number, to: number): [number, number] | undefined {
  for (let p = from; p < to; p++) {
    if (!isAlnum(s.charCodeAt(p)) || isAlnum(s.charCodeAt(p - 1))) continue;
    const e = dateAt(s, p);
    if (e !== -1 && e <= to) return [p, e];
  }
  return undefined;
}

const clamp = (x: number) => (x > 1 ? 1 : x < 0 ? 0 : Math.round(x * 100) / 100);

function candidate(s: string, k: number, th: ContextThresholds): Scored | undefined {
  const start = HS[k]!;
  const end = HE[k]!;
  const f = HF[k]!;
  const greeting = (f & L.GREETING) !== 0;
  if ((f & L.NAME_CTX) !== 0 || greeting) {
    const p = th.PERSON <= 1 ? nameStartAfterContext(s, end) : -1;
    // After `Hi`/`Hello`, only a name closed by `,` `!` or the line's end: `Hi Lucas,` not `Hello World app`.
    const closed = (e: number) => {
      const c = s.charCodeAt(e);
      return Number.isNaN(c) || c === 44 || c === 33 || c === 10;
    };
    if (p !== -1 && (!greeting || closed(extendName(s, capitalisedEnd(s, p)).end))) {
      const first = wordEnd(s, p);
      const f1 = LEXICON.lookup(s, p, first, L.hashWord(s.slice(p, first)));
      if ((f1 & (L.NOT_SURNAME | L.TITLE)) === 0) {
        const span = extendName(s, capitalisedEnd(s, p));
        const known = (f1 & L.FIRST) !== 0 && (f1 & L.FIRST_AMBIGUOUS) === 0;
        const base = known ? 0.6 : (f1 & L.FIRST_AMBIGUOUS) !== 0 ? 0.3 : 0.4;
        const score = span.product ? 0 : base + (span.more > 0 ? 0.15 : 0) + 0.35;
        return { start: p, end: span.end, type: 'PERSON', score: clamp(score) };
      }
    }
  }
  if ((f & L.TITLE) !== 0 && th.PERSON <= 1) {
    const t = afterTitle(s, start, end);
    if (t !== undefined) return { start: t.start, end: t.end, type: 'PERSON', score: 0.85 };
  }
  if ((f & (L.FIRST | L.FIRST_AMBIGUOUS)) !== 0 && th.PERSON <= 1 && isUpper(s.charCodeAt(start))) {
    const cap = capitalisedEnd(s, start);
    if (cap !== -1) {
      const span = extendName(s, cap);
      const base = nameScore(f, span);
      const score = base === 0 ? 0 : base + nameContext(s, k, start, span.end);
      return { start, end: span.end, type: 'PERSON', score: clamp(score) };
    }
  }
  if ((f & NUMBER) !== 0 && th.ADDRESS <= 1) {
    const a = fromNumber(s, start);
    if (a !== undefined) {
      const ctx = (around(k, start, start, 40, 0) & L.ADDRESS_CTX) !== 0 ? 0.15 : 0;
      return { start, end: a.end, type: 'ADDRESS', score: clamp(a.score + ctx) };
    }
  }
  if ((f & (L.STREET_DE | CAP_NUM)) !== 0 && th.ADDRESS <= 1 && isUpper(s.charCodeAt(start))) {
    const a = fromStreetName(s, start, end);
    if (a !== undefined) {
      const ctx = (around(k, start, start, 40, 0) & L.ADDRESS_CTX) !== 0 ? 0.15 : 0;
      return { start, end: a.end, type: 'ADDRESS', score: clamp(a.score + ctx) };
    }
  }
  if ((f & L.BIRTH_CTX) !== 0 && th.DATE_OF_BIRTH <= 1) {
    // `born 04/07/1986`, else `am 4. Juli 1986 geboren` (the date before the birth word).
    const d = dateAfter(s, end) ?? dateBefore(s, Math.max(0, start - 40), start);
    if (d !== undefined) return { start: d[0], end: d[1], type: 'DATE_OF_BIRTH', score: 0.95 };
  }
  if ((f & (L.CONDITION | L.MEDICATION | L.PHRASE_HEAD)) !== 0 && th.HEALTH <= 1) {
    const pe = (f & L.PHRASE_HEAD) !== 0 ? phraseEnd(s, start, end) : -1;
    const e = pe !== -1 ? pe : end;
    if ((pe !== -1 || (f & (L.CONDITION | L.MEDICATION)) !== 0) && !looksLikeCode(s, start, e)) {
      const score = healthBase(f, pe !== -1) + healthContext(k, start, e);
      return { start, end: e, type: 'HEALTH', score: clamp(score) };
    }
  }
  return undefined;
}

/**
 * Appends the context findings of `s` to `out` in order, never overlapping. With `all`, findings
 * under their threshold are kept too (for scoring and explanations); otherwise they are dropped.
 * `u` is the units copy of `s` when the caller loaded it already (for the pattern scanner too).
 */
export function scanContext(
  s: string,
  th: ContextThresholds,
  out: Scored[],
  all = false,
  u: Uint16Array = loadUnits(s),
): void {
  collect(s, u, th.ADDRESS <= 1);
  let floor = 0;
  for (let k = 0; k < count; k++) {
    if (HS[k]! < floor) continue;
    const m = candidate(s, k, th);
    if (m === undefined || m.end <= m.start) continue;
    if (m.score === 0 && m.type === 'PERSON') {
      // A product (`Morgan Stanley`, `Claude Code`): its words are nobody's name either.
      floor = m.end;
      continue;
    }
    if (m.score < th[m.type as keyof ContextThresholds] && !all) continue;
    if (m.start < floor) continue;
    out.push(m);
    if (m.score >= th[m.type as keyof ContextThresholds]) {
      floor = m.end;
      if (m.type === 'PERSON') lastPersonEnd = m.end;
    }
  }
  count = 0;
  lastPersonEnd = -1;
}
