/**
 * Dates a date of birth can be written as: `04/07/1986`, `4.7.86`, `1986-07-04`, `July 4, 1986`,
 * `4th of July 1986`, `4. Juli 1986`, `4 juillet 1986`, `4 de julio de 1986`. A date alone is never
 * a finding: the caller requires birth context (or a birth-date field).
 */
import { hashWord, LEXICON, MONTH, monthOf } from './lexicon.js';
import { digitsEnd, isAlnum, isDigit, isLetter, skipSpaces, wordEnd, wordIs } from './tokens.js';

const YEAR_MIN = 1900;
const YEAR_MAX = new Date().getUTCFullYear();

function int(s: string, a: number, b: number): number {
  let n = 0;
  for (let i = a; i < b; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}

function plausibleYear(y: number, digits: number): boolean {
  return digits === 2 || (y >= YEAR_MIN && y <= YEAR_MAX);
}

/** The date cannot go on into a time or another number (`1986-07-04T10:00`, `04/07/1986/2`). */
function endsCleanly(s: string, e: number): boolean {
  const c = s.charCodeAt(e);
  if (isAlnum(c)) return false;
  if ((c === 47 || c === 45 || c === 46 || c === 58) && isDigit(s.charCodeAt(e + 1))) return false;
  return true;
}

function numericDate(s: string, i: number): number {
  const a = digitsEnd(s, i);
  const la = a - i;
  const sep = s.charCodeAt(a);
  if (sep !== 47 && sep !== 45 && sep !== 46) return -1;
  const b = digitsEnd(s, a + 1);
  const lb = b - a - 1;
  if (lb < 1 || lb > 2 || s.charCodeAt(b) !== sep) return -1;
  const c = digitsEnd(s, b + 1);
  const lc = c - b - 1;
  if (la === 4) {
    // Y-M-D
    if (lc < 1 || lc > 2) return -1;
    const m = int(s, a + 1, b);
    const d = int(s, b + 1, c);
    if (!plausibleYear(int(s, i, a), 4) || m < 1 || m > 12 || d < 1 || d > 31) return -1;
  } else {
    if (la < 1 || la > 2 || (lc !== 4 && lc !== 2)) return -1;
    const x = int(s, i, a);
    const y = int(s, a + 1, b);
    // Day-first or month-first: either reading must be a real day and month.
    const ok = (x <= 31 && y >= 1 && y <= 12) || (x >= 1 && x <= 12 && y <= 31);
    if (!ok || x === 0 || y === 0 || !plausibleYear(int(s, b + 1, c), lc)) return -1;
  }
  return endsCleanly(s, c) ? c : -1;
}

function monthAt(s: string, i: number): number {
  if (!isLetter(s.charCodeAt(i))) return -1;
  const e = wordEnd(s, i);
  const w = s.slice(i, e);
  if ((LEXICON.lookup(s, i, e, hashWord(w)) & MONTH) === 0 || monthOf(s, i, e) === 0) return -1;
  return s.charCodeAt(e) === 46 ? e + 1 : e;
}

function yearAt(s: string, i: number): number {
  const e = digitsEnd(s, i);
  if (e - i !== 4 || !plausibleYear(int(s, i, e), 4)) return -1;
  return endsCleanly(s, e) ? e : -1;
}

/** `4`, `4th`, `4.` as a day: its end, or -1. */
function dayAt(s: string, i: number): number {
  const e = digitsEnd(s, i);
  if (e - i < 1 || e - i > 2) return -1;
  const d = int(s, i, e);
  if (d < 1 || d > 31) return -1;
  for (const suf of ['st', 'nd', 'rd', 'th', 'er']) if (wordIs(s, e, suf)) return e + 2;
  if (s.charCodeAt(e) === 46) return e + 1;
  return isAlnum(s.charCodeAt(e)) ? -1 : e;
}

/** `4 July 1986`, `4th of July, 1986`, `4. Juli 1986`, `4 de julio de 1986`. */
function dayMonthYear(s: string, i: number): number {
  let p = dayAt(s, i);
  if (p === -1) return -1;
  p = skipSpaces(s, p);
  if (wordIs(s, p, 'of') || wordIs(s, p, 'de')) p = skipSpaces(s, p + 2);
  p = monthAt(s, p);
  if (p === -1) return -1;
  if (s.charCodeAt(p) === 44) p++;
  p = skipSpaces(s, p);
  if (wordIs(s, p, 'de')) p = skipSpaces(s, p + 2);
  return yearAt(s, p);
}

/** `July 4, 1986`, `Jul. 4th 1986`. */
function monthDayYear(s: string, i: number): number {
  let p = monthAt(s, i);
  if (p === -1) return -1;
  p = dayAt(s, skipSpaces(s, p));
  if (p === -1) return -1;
  if (s.charCodeAt(p) === 44) p++;
  return yearAt(s, skipSpaces(s, p));
}

/** A date starting at `i`: its end, or -1. */
export function dateAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (isDigit(c)) {
    const n = numericDate(s, i);
    return n !== -1 ? n : dayMonthYear(s, i);
  }
  return monthDayYear(s, i);
}

/** Is the whole of `v` (trimmed) one date? For birth-date fields. */
export function isWholeDate(v: string): boolean {
  const t = v.trim();
  if (t.length < 6 || t.length > 40) return false;
  // ISO with a time part (`1986-07-04T00:00:00Z`) is still a date of birth in a dob field.
  const iso = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(t);
  return iso || dateAt(t, 0) === t.length;
}
