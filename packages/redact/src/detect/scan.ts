/**
 * The text scanner: one pass. Text without triggers is skipped four characters at a time
 * (quiet.ts); detectors run only at triggers (digit runs, `@ : = + ( - _`, and upper-case letters
 * checked for `eyJ`, `Bearer`, `Basic`, `AKIA`, `AIza`, `DE89`...), so prose costs little. Single
 * regexes of these triggers measured slower: irregexp scans one character class fast, but an
 * alternation of them (or lookbehinds) three to five times slower than this loop. Prefixed
 * secrets (`sk-`, `ghp_`, `xoxb-`, `github_pat_`) are found from their first `-` or `_`.
 * Matches come out in order and never overlap: scanning resumes after each match.
 */
import type { SensitiveKeys } from '../policy/keys.js';
import * as keysModule from '../policy/keys.js';
import * as chars from './chars.js';
import type { Match } from './match.js';
import * as networkModule from './network.js';
import * as numericModule from './numeric.js';
import * as quietModule from './quiet.js';
import * as secretsModule from './secrets.js';

// Local bindings: under tsx/vite-node an imported name is a getter call on every use, which
// costs more than the detectors themselves in the hot loop.
const {
  detectAssignment,
  detectEmail,
  detectIpv6,
  detectUrlCredential,
  looksLikeIpv6,
  QUERY_TAILS,
} = networkModule;
const { keyTail } = keysModule;
const { detectNumeric, skipNumeric } = numericModule;
const { detectIban, detectPem, detectWord } = secretsModule;
const { ALNUM, CLS, codeOr0, HEX, UPPER } = chars;
const { load, MIN_WORDS, nextTrigger, TRIG } = quietModule;

/** Digits, hex letters and the separators numbers and addresses use. */
const NUMISH = new Uint8Array(128);
for (const ch of '0123456789abcdefABCDEF -.()/:') NUMISH[ch.charCodeAt(0)] = 1;

/** Every numeric entity spans at least 6 characters: `200`, `35ms` or `v1` never qualify. */
function numberAhead(s: string, i: number): boolean {
  for (let k = 1; k <= 5; k++) {
    const c = codeOr0(s, i + k);
    if (!(c < 128 && NUMISH[c] === 1)) return false;
  }
  return true;
}

/**
 * Digits, parentheses and the separators of numeric spans. Hex letters are in NUMISH for IPv6
 * only: a card, phone, SSN or IPv4 starting at a digit spans 7+ of these characters, so `42 cache`
 * (numeric-looking to numberAhead) costs no numeric parse.
 */
const DIGITISH = new Uint8Array(128);
for (const ch of '0123456789 -.()/') DIGITISH[ch.charCodeAt(0)] = 1;

function digitsAhead(s: string, i: number): boolean {
  for (let k = 1; k <= 5; k++) {
    const c = codeOr0(s, i + k);
    if (!(c < 128 && DIGITISH[c] === 1)) return false;
  }
  return true;
}

function bits(s: string, i: number): number {
  if (i < 0) return 0;
  const c = codeOr0(s, i);
  return c < 128 ? CLS[c]! : 0;
}

function skipAlnum(s: string, i: number): number {
  const n = s.length;
  let p = i + 1;
  while (p < n) {
    const c = s.charCodeAt(p);
    if (!(c < 128 && (CLS[c]! & ALNUM) !== 0)) break;
    p++;
  }
  return p;
}

/**
 * Those prefixes are 2 (`sk`, `rk`), 3 (`gh?`), 4 (`xox?`, `xapp`) or 6 (`github`) letters long:
 * a word that starts with none of them there costs four loads, not a walk back.
 */
function mayBePrefix(s: string, i: number): boolean {
  return (
    codeOr0(s, i - 1) === 107 ||
    codeOr0(s, i - 3) === 103 ||
    codeOr0(s, i - 4) === 120 ||
    codeOr0(s, i - 6) === 103
  );
}

/** `sk-`, `sk_live_`, `ghp_`, `github_pat_`, `xoxb-`, `xapp-` seen from the `-`/`_` at `i`. */
function prefixed(s: string, i: number, floor: number, out: Match[]): number {
  if (!mayBePrefix(s, i)) return -1;
  let j = i;
  while (j > floor && i - j < 7 && (bits(s, j - 1) & ALNUM) !== 0) j--;
  if (j === i || (bits(s, j - 1) & ALNUM) !== 0) return -1;
  const c = codeOr0(s, j);
  if (c !== 115 && c !== 114 && c !== 103 && c !== 120) return -1;
  return detectWord(s, j, c, out);
}

/** `fe80::1`, `abcd:ef01:...`: an IPv6 that starts with a hex word, seen from its first colon. */
function ipv6FromColon(s: string, i: number, floor: number, out: Match[]): number {
  let j = i;
  while (j > floor && i - j < 4 && (bits(s, j - 1) & HEX) !== 0) j--;
  if ((bits(s, j - 1) & ALNUM) !== 0) return -1;
  return detectIpv6(s, j, out);
}

export function scanText(s: string, keys: SensitiveKeys, out: Match[]): void {
  const n = s.length;
  const words = n < MIN_WORDS ? -1 : load(s);
  let floor = 0;
  let i = 0;
  for (;;) {
    let c = 0;
    if (words < 0) {
      // Short strings are not copied: one character at a time, in a loop of its own (a loop
      // that also dispatches the triggers cost a third more per quiet character).
      while (i < n) {
        c = s.charCodeAt(i);
        if (c < 128 && TRIG[c] === 1) break;
        i++;
      }
    } else {
      i = nextTrigger(s, i, n, words);
      c = codeOr0(s, i);
    }
    if (i >= n) return;
    // Decisive first checks for the common triggers, right here: a digit run too short for any
    // number, a word no secret starts like, a key ending unlike any sensitive one. Only what
    // passes them reaches the handlers, which live in functions of their own (inlined here, they
    // made the loop slower than all of them together).
    const p = codeOr0(s, i - 1);
    const prevAlnum = p < 128 && (CLS[p]! & ALNUM) !== 0;
    let end = -1;
    let resume = i + 1;
    if (c >= 48 && c <= 57) {
      if (prevAlnum && (CLS[p]! & UPPER) === 0) {
        // Digits inside a word after a lower-case letter or digit (`v1`, `4o`): no IBAN here.
        i = skipAlnum(s, i);
        continue;
      }
      const r = atDigit(s, i, floor, out);
      if (r >= 0) end = r;
      else resume = -r;
    } else if (c >= 65 && c <= 90) {
      if (prevAlnum ? c !== 74 : !letterMayStart(s, i, c)) {
        // Upper case inside a word (only the J of `eyJ` counts) or a word no secret starts like.
        i = skipAlnum(s, i);
        continue;
      }
      end = atUpper(s, i, c, floor, out);
      if (end === -1) resume = skipAlnum(s, i);
    } else {
      if (c === 61 || (c === 58 && !colonMayStart(s, i))) {
        // `key=` / `key:`: most keys end unlike any sensitive one (the assignment's first test).
        const ke = p === 34 || p === 39 ? i - 1 : i;
        const tail = keyTail(s, Math.max(floor, ke - 12), ke);
        if (!keys.tailMatches(tail) && !(c === 61 && QUERY_TAILS[tail] === 1)) {
          i++;
          continue;
        }
        end = detectAssignment(s, i, floor, keys, out);
      } else if ((c === 95 || (c === 45 && codeOr0(s, i + 1) !== 45)) && !mayBePrefix(s, i)) {
        i++;
        continue;
      } else {
        end = atPunct(s, i, c, floor, keys, out);
      }
    }
    if (end > i) {
      floor = end;
      i = end;
    } else {
      i = resume;
    }
  }
}

/** A colon that may start a URL credential (`://`) or an IPv6 (`::`, after a hex digit). */
function colonMayStart(s: string, i: number): boolean {
  const n1 = codeOr0(s, i + 1);
  if (n1 === 58 || (n1 === 47 && codeOr0(s, i + 2) === 47)) return true;
  return (bits(s, i - 1) & HEX) !== 0;
}

/** A digit at `i`: the end of a match, or minus where to resume. */
function atDigit(s: string, i: number, floor: number, out: Match[]): number {
  let end = -1;
  if ((bits(s, i - 1) & ALNUM) !== 0) {
    // Digits inside a word: only an IBAN (`DE89 3704...`) can start, two letters earlier.
    if (
      i - 2 >= floor &&
      (bits(s, i - 1) & UPPER) !== 0 &&
      (bits(s, i - 2) & UPPER) !== 0 &&
      (bits(s, i - 3) & ALNUM) === 0
    ) {
      end = detectIban(s, i - 2, out);
    }
    return end > i ? end : -skipAlnum(s, i);
  }
  // Most digit runs are short and end the number (`200 in`, `rows=12 `, `/12345/orders`,
  // `35ms`): decide those from the run and the character after it, without the detectors.
  let e = i + 1;
  let d = codeOr0(s, e);
  while (d >= 48 && d <= 57) d = codeOr0(s, ++e);
  if (e - i < 7) {
    if (d < 128 && (CLS[d]! & ALNUM) !== 0) {
      // A letter: no number (5 or fewer digits then a non-hex letter fails numberAhead).
      if ((CLS[d]! & HEX) === 0 && e - i <= 5) return -skipAlnum(s, i);
    } else if (d !== 58 && d !== 41) {
      // Anything but `:` (IPv6, times) or `)`: fewer than 7 digits, and no separator joining a
      // next group, is no numeric entity; both resume points (skipNumeric, skipAlnum) are `e`.
      if (!(d < 128 && DIGITISH[d] === 1)) return -e;
      const d1 = codeOr0(s, e + 1);
      if (!(d1 >= 48 && d1 <= 57) && d1 !== 40) return -e;
    }
  }
  if (numberAhead(s, i)) {
    if (looksLikeIpv6(s, i)) end = detectIpv6(s, i, out);
    if (end === -1 && digitsAhead(s, i)) end = detectNumeric(s, i, out);
    // `4111 1111 ...` after `Order 2024`: retry from the next group, not the span's end.
    return end > i ? end : -skipNumeric(s, i);
  }
  return -skipAlnum(s, i);
}

/**
 * Upper-case letters: Bearer/Basic, AKIA/AIza, IBAN country codes at a word start, and the J of a
 * JWT's `eyJ` (lower-case letters are too common to be triggers). Without a match the rest of the
 * word holds no trigger of its own, so the caller skips it whole.
 */
function atUpper(s: string, i: number, c: number, floor: number, out: Match[]): number {
  const p = codeOr0(s, i - 1);
  if (!(p < 128 && (CLS[p]! & ALNUM) !== 0)) {
    return letterMayStart(s, i, c) ? detectWord(s, i, c, out) : -1;
  }
  if (c === 74 && p === 121 && codeOr0(s, i - 2) === 101 && i - 2 >= floor) {
    if ((bits(s, i - 3) & ALNUM) === 0) return detectWord(s, i - 2, 101, out);
  }
  return -1;
}

function atPunct(
  s: string,
  i: number,
  c: number,
  floor: number,
  keys: SensitiveKeys,
  out: Match[],
): number {
  let end = -1;
  switch (c) {
    case 45: // -
      return codeOr0(s, i + 1) === 45 ? detectPem(s, i, out) : prefixed(s, i, floor, out);
    case 95: // _
      return prefixed(s, i, floor, out);
    case 64: // @
      return detectEmail(s, i, floor, out);
    case 58: // :
      if (codeOr0(s, i + 1) === 47 && codeOr0(s, i + 2) === 47) {
        end = detectUrlCredential(s, i, out);
      } else {
        if ((bits(s, i - 1) & HEX) !== 0) end = ipv6FromColon(s, i, floor, out);
        if (end === -1 && codeOr0(s, i + 1) === 58) end = detectIpv6(s, i, out);
      }
      return end === -1 ? detectAssignment(s, i, floor, keys, out) : end;
    case 61: // =
      return detectAssignment(s, i, floor, keys, out);
    default: // + (
      return (bits(s, i + 1) & ALNUM) !== 0 ? detectNumeric(s, i, out) : -1;
  }
}

/** Two-character checks before calling detectWord, so common words cost almost nothing. */
function letterMayStart(s: string, i: number, c: number): boolean {
  const c1 = codeOr0(s, i + 1);
  if (c === 66 && (c1 === 101 || c1 === 97)) return true; // Bearer / Basic
  // AKIA, AIza, DE89: a second upper-case letter (a letter at the end is none of them either).
  if (c1 < 65 || c1 > 90) return false;
  const c2 = codeOr0(s, i + 2);
  return c === 65 || (c2 >= 48 && c2 <= 57);
}
