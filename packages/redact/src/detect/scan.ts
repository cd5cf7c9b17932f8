/**
 * The text scanner: one pass. Text without triggers is skipped (quiet.ts four characters at a time
 * in long text; a unit at a time in short text); detectors run only at triggers (digit runs,
 * `@ : = + ( - _`, and upper-case letters checked for `eyJ`, `Bearer`, `Basic`, `AKIA`, `AIza`,
 * `DE89`...), so prose costs little. The scanner reads the string's units from a typed-array copy
 * (units.ts) and the detectors read the string. Single regexes of these triggers measured slower:
 * irregexp scans one character class fast, but an alternation of them (or lookbehinds) three to
 * five times slower than this loop. Prefixed secrets (`sk-`, `ghp_`, `xoxb-`, `github_pat_`) are
 * found from their first `-` or `_`. Matches come out in order and never overlap: scanning
 * resumes after each match.
 */
import type { SensitiveKeys } from '../policy/keys.js';
import * as keysModule from '../policy/keys.js';
import * as chars from './chars.js';
import type { Match } from './match.js';
import * as networkModule from './network.js';
import * as numericModule from './numeric.js';
import * as quietModule from './quiet.js';
import * as secretsModule from './secrets.js';
import * as unitsModule from './units.js';

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
const { keyTailOf } = keysModule;
const { detectNumeric, skipNumeric } = numericModule;
const { detectIban, detectPem, detectWord } = secretsModule;
const { ALNUM, CLS, HEX, UPPER } = chars;
const { load, MIN_WORDS, nextTrigger, TRIG } = quietModule;
const { loadUnits } = unitsModule;

// Below, `u` holds the units of the scanned string followed by zeros (units.ts): `u[k]` for k up
// to the length + PAD reads as `codeOr0(s, k)`; reads before the start are guarded.

/** Digits, hex letters and the separators numbers and addresses use. */
const NUMISH = new Uint8Array(128);
for (const ch of '0123456789abcdefABCDEF -.()/:') NUMISH[ch.charCodeAt(0)] = 1;

/** Every numeric entity spans at least 6 characters: `200`, `35ms` or `v1` never qualify. */
function numberAhead(u: Uint16Array, i: number): boolean {
  for (let k = 1; k <= 5; k++) {
    const c = u[i + k]!;
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

function digitsAhead(u: Uint16Array, i: number): boolean {
  for (let k = 1; k <= 5; k++) {
    const c = u[i + k]!;
    if (!(c < 128 && DIGITISH[c] === 1)) return false;
  }
  return true;
}

/** Class bits of unit `k` (0 for non-ASCII and before the start). */
function bits(u: Uint16Array, k: number): number {
  const c = k >= 0 ? u[k]! : 0;
  return c < 128 ? CLS[c]! : 0;
}

function skipAlnum(u: Uint16Array, n: number, i: number): number {
  let p = i + 1;
  while (p < n) {
    const c = u[p]!;
    if (!(c < 128 && (CLS[c]! & ALNUM) !== 0)) break;
    p++;
  }
  return p;
}

/**
 * Those prefixes are 2 (`sk`, `rk`), 3 (`gh?`), 4 (`xox?`, `xapp`) or 6 (`github`) letters long:
 * a word that starts with none of them there costs four loads, not a walk back.
 */
function mayBePrefix(u: Uint16Array, i: number): boolean {
  return (
    (i >= 1 && u[i - 1] === 107) ||
    (i >= 3 && u[i - 3] === 103) ||
    (i >= 4 && u[i - 4] === 120) ||
    (i >= 6 && u[i - 6] === 103)
  );
}

/** `sk-`, `sk_live_`, `ghp_`, `github_pat_`, `xoxb-`, `xapp-` seen from the `-`/`_` at `i`. */
function prefixed(s: string, u: Uint16Array, i: number, floor: number, out: Match[]): number {
  let j = i;
  while (j > floor && i - j < 7 && (bits(u, j - 1) & ALNUM) !== 0) j--;
  if (j === i || (bits(u, j - 1) & ALNUM) !== 0) return -1;
  // `sk`/`rk`, `gh`/`gi`(thub), `xo`(x)/`xa`(pp): two letters before the call (`gpt-4o` stops).
  const c = u[j]!;
  const c1 = u[j + 1]!;
  const may =
    c1 === 107
      ? c === 115 || c === 114
      : c === 103
        ? c1 === 104 || c1 === 105
        : c === 120 && (c1 === 111 || c1 === 97);
  return may ? detectWord(s, j, c, out) : -1;
}

/** `fe80::1`, `abcd:ef01:...`: an IPv6 that starts with a hex word, seen from its first colon. */
function ipv6FromColon(s: string, u: Uint16Array, i: number, floor: number, out: Match[]): number {
  let j = i;
  while (j > floor && i - j < 4 && (bits(u, j - 1) & HEX) !== 0) j--;
  if ((bits(u, j - 1) & ALNUM) !== 0) return -1;
  return detectIpv6(s, j, out);
}

export function scanText(s: string, keys: SensitiveKeys, out: Match[]): void {
  const n = s.length;
  const u = loadUnits(s);
  const words = n < MIN_WORDS ? -1 : load(s);
  let floor = 0;
  let i = 0;
  for (;;) {
    let c = 0;
    if (words < 0) {
      // Short text a unit at a time, in a loop of its own (a loop that also dispatches the
      // triggers cost a third more per quiet character). Every trigger lies in 0x28-0x5F: one
      // subtraction rejects letters and spaces before the table load.
      while (i < n) {
        c = u[i]!;
        if ((c - 40) >>> 0 < 56 && TRIG[c] === 1) break;
        i++;
      }
    } else {
      i = nextTrigger(s, i, n, words);
      c = u[i]!;
    }
    if (i >= n) return;
    // The common triggers are decided right here, in line, and only what passes their first
    // check calls a detector: a digit run too short for any number, a word no secret starts
    // like, a key ending unlike any sensitive one.
    const p = i > 0 ? u[i - 1]! : 0;
    const pc = p < 128 ? CLS[p]! : 0;
    let end = -1;
    let resume = i + 1;
    if (c <= 57 && c >= 48) {
      if ((pc & ALNUM) !== 0) {
        // Digits inside a word (`v1`, `4o`): only an IBAN (`DE89 3704...`), two capitals earlier.
        if ((pc & UPPER) !== 0 && i - 2 >= floor && startsIban(u, i - 2)) {
          end = detectIban(s, i - 2, out);
        }
        if (end <= i) resume = skipAlnum(u, n, i);
      } else {
        // Most digit runs are short and end the number (`200 in`, `rows=12 `, `/12345/orders`,
        // `35ms`): decided from the run and the character after it, without the detectors.
        let e = i + 1;
        let d = u[e]!;
        while (d <= 57 && d >= 48) d = u[++e]!;
        const dc = d < 128 ? CLS[d]! : 0;
        if (e - i < 7 && (dc & ALNUM) !== 0 && (dc & HEX) === 0 && e - i <= 5) {
          // A letter: no number (5 or fewer digits then a non-hex letter fails numberAhead).
          resume = skipAlnum(u, n, i);
        } else if (
          e - i < 7 &&
          (dc & ALNUM) === 0 &&
          d !== 58 &&
          d !== 41 &&
          !joinsGroup(u, e, d)
        ) {
          // Anything but `:` (IPv6, times) or `)`: fewer than 7 digits, and no separator joining
          // a next group, is no numeric entity; both resume points (skipNumeric, skipAlnum) are e.
          resume = e;
        } else if (numberAhead(u, i)) {
          end = numberAt(s, u, i, out);
          // `4111 1111 ...` after `Order 2024`: retry from the next group, not the span's end.
          if (end <= i) resume = skipNumeric(s, i);
        } else {
          resume = skipAlnum(u, n, i);
        }
      }
    } else if (c >= 65 && c <= 90) {
      // Upper case: Bearer/Basic, AKIA/AIza and IBAN country codes at a word start, and the J of
      // a JWT's `eyJ` inside one. Without a match the rest of the word holds no trigger of its
      // own, so it is skipped whole.
      if ((pc & ALNUM) === 0) {
        if (letterMayStart(u, i, c)) end = detectWord(s, i, c, out);
      } else if (c === 74 && p === 121 && i - 2 >= floor && u[i - 2] === 101) {
        if ((bits(u, i - 3) & ALNUM) === 0) end = detectWord(s, i - 2, 101, out);
      }
      if (end === -1) resume = skipAlnum(u, n, i);
    } else if (c === 61 || c === 58) {
      if (c === 58 && colonMayStart(u, i, pc)) end = atColon(s, u, i, floor, out);
      if (end === -1) {
        // `key=` / `key:`: most keys end unlike any sensitive one (the assignment's first test).
        const ke = p === 34 || p === 39 ? i - 1 : i;
        const tail = keyTailOf(u, Math.max(floor, ke - 12), ke);
        if (keys.tailMatches(tail) || (c === 61 && QUERY_TAILS[tail] === 1)) {
          end = detectAssignment(s, i, floor, keys, out);
        }
      }
    } else if (c === 45 || c === 95) {
      if (c === 45 && u[i + 1] === 45) end = detectPem(s, i, out);
      else if (mayBePrefix(u, i)) end = prefixed(s, u, i, floor, out);
    } else if (c === 64) {
      end = detectEmail(s, i, floor, out);
    } else if ((bits(u, i + 1) & ALNUM) !== 0) {
      // `+` or `(` before a digit or letter: a phone's country code or area code.
      end = detectNumeric(s, i, out);
    }
    if (end > i) {
      floor = end;
      i = end;
    } else {
      i = resume;
    }
  }
}

/** Two capitals at `k` after no letter or digit: where an IBAN's country code stands. */
function startsIban(u: Uint16Array, k: number): boolean {
  return (bits(u, k) & UPPER) !== 0 && (bits(u, k - 1) & ALNUM) === 0;
}

/** A separator after the digit run ending at `e` that joins a next group (digit or `(`). */
function joinsGroup(u: Uint16Array, e: number, d: number): boolean {
  if (!(d < 128 && DIGITISH[d] === 1)) return false;
  const d1 = u[e + 1]!;
  return (d1 <= 57 && d1 >= 48) || d1 === 40;
}

/** A number at digit `i` (numberAhead passed): an IPv6 (`2001:db8::1`) or a numeric span. */
function numberAt(s: string, u: Uint16Array, i: number, out: Match[]): number {
  let end = -1;
  if (looksLikeIpv6(s, i)) end = detectIpv6(s, i, out);
  if (end === -1 && digitsAhead(u, i)) end = detectNumeric(s, i, out);
  return end;
}

/** A colon that may start a URL credential (`://`) or an IPv6 (`::`, after a hex digit). */
function colonMayStart(u: Uint16Array, i: number, pc: number): boolean {
  const n1 = u[i + 1]!;
  if (n1 === 58 || (n1 === 47 && u[i + 2] === 47)) return true;
  return (pc & HEX) !== 0;
}

/** `scheme://user:pass@` or an IPv6 (`fe80::1`, `abcd:ef01:...`); -1 leaves a `key:` to try. */
function atColon(s: string, u: Uint16Array, i: number, floor: number, out: Match[]): number {
  let end = -1;
  if (u[i + 1] === 47 && u[i + 2] === 47) {
    end = detectUrlCredential(s, i, out);
  } else {
    if ((bits(u, i - 1) & HEX) !== 0) end = ipv6FromColon(s, u, i, floor, out);
    if (end === -1 && u[i + 1] === 58) end = detectIpv6(s, i, out);
  }
  return end;
}

/** Two-character checks before calling detectWord, so common words cost almost nothing. */
function letterMayStart(u: Uint16Array, i: number, c: number): boolean {
  const c1 = u[i + 1]!;
  if (c === 66 && (c1 === 101 || c1 === 97)) return true; // Bearer / Basic
  // AKIA, AIza, DE89: a second upper-case letter (a letter at the end is none of them either).
  if (c1 < 65 || c1 > 90) return false;
  const c2 = u[i + 2]!;
  return c === 65 || (c2 >= 48 && c2 <= 57);
}
