/**
 * The text scanner: one pass, one table lookup per character. Detectors run only at triggers
 * (digit runs, `@ : = + ( - _`, and upper-case letters checked for `eyJ`, `Bearer`, `Basic`,
 * `AKIA`, `AIza`, `DE89`...), so prose costs little; measured faster than a trigger regex. Prefixed
 * secrets (`sk-`, `ghp_`, `xoxb-`, `github_pat_`) are found from their first `-` or `_`.
 * Matches come out in order and never overlap: scanning resumes after each match.
 */
import type { SensitiveKeys } from '../policy/keys.js';
import * as chars from './chars.js';
import type { Match } from './match.js';
import * as networkModule from './network.js';
import * as numericModule from './numeric.js';
import * as secretsModule from './secrets.js';

// Local bindings: under tsx/vite-node an imported name is a getter call on every use, which
// costs more than the detectors themselves in the hot loop.
const { detectAssignment, detectEmail, detectIpv6, detectUrlCredential, looksLikeIpv6 } =
  networkModule;
const { detectNumeric, skipNumeric } = numericModule;
const { detectIban, detectPem, detectWord } = secretsModule;
const { ALNUM, CLS, HEX, UPPER } = chars;

/** Characters that may start (or sit inside) something worth a detector call. */
const TRIG = new Uint8Array(128);
for (const ch of '0123456789@:=+(-_') TRIG[ch.charCodeAt(0)] = 1;
for (let c = 65; c <= 90; c++) TRIG[c] = 1;

/** Digits, hex letters and the separators numbers and addresses use. */
const NUMISH = new Uint8Array(128);
for (const ch of '0123456789abcdefABCDEF -.()/:') NUMISH[ch.charCodeAt(0)] = 1;

/** Every numeric entity spans at least 6 characters: `200`, `35ms` or `v1` never qualify. */
function numberAhead(s: string, i: number): boolean {
  for (let k = 1; k <= 5; k++) {
    const c = s.charCodeAt(i + k);
    if (!(c < 128 && NUMISH[c] === 1)) return false;
  }
  return true;
}

function bits(s: string, i: number): number {
  if (i < 0) return 0;
  const c = s.charCodeAt(i);
  return c < 128 ? CLS[c]! : 0;
}

function skipAlnum(s: string, i: number): number {
  let p = i + 1;
  for (;;) {
    const c = s.charCodeAt(p);
    if (c < 128 && (CLS[c]! & ALNUM) !== 0) p++;
    else return p;
  }
}

/** `sk-`, `sk_live_`, `ghp_`, `github_pat_`, `xoxb-`, `xapp-` seen from the `-`/`_` at `i`. */
function prefixed(s: string, i: number, floor: number, out: Match[]): number {
  let j = i;
  while (j > floor && i - j < 7 && (bits(s, j - 1) & ALNUM) !== 0) j--;
  if (j === i || (bits(s, j - 1) & ALNUM) !== 0) return -1;
  const c = s.charCodeAt(j);
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
  let floor = 0;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TRIG[c] === 0) {
      i++;
      continue;
    }
    let end = -1;
    let resume = i + 1;
    if (c >= 48 && c <= 57) {
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
        if (end === -1) resume = skipAlnum(s, i);
      } else if (numberAhead(s, i)) {
        if (looksLikeIpv6(s, i)) end = detectIpv6(s, i, out);
        if (end === -1) end = detectNumeric(s, i, out);
        // `4111 1111 ...` after `Order 2024`: retry from the next group, not the span's end.
        if (end === -1) resume = skipNumeric(s, i);
      } else {
        resume = skipAlnum(s, i);
      }
    } else if (c >= 65 && c <= 90) {
      // Upper-case letters: Bearer/Basic, AKIA/AIza, IBAN country codes at a word start, and the
      // J of a JWT's `eyJ` (lower-case letters are too common to be triggers). Either way the
      // rest of the word holds no trigger of its own, so skip it whole.
      const p = i > 0 ? s.charCodeAt(i - 1) : 0;
      if (!(p < 128 && (CLS[p]! & ALNUM) !== 0)) {
        if (letterMayStart(s, i, c)) end = detectWord(s, i, c, out);
      } else if (c === 74 && p === 121 && s.charCodeAt(i - 2) === 101 && i - 2 >= floor) {
        if ((bits(s, i - 3) & ALNUM) === 0) end = detectWord(s, i - 2, 101, out);
      }
      if (end === -1) resume = skipAlnum(s, i);
    } else {
      switch (c) {
        case 45: // -
          end = s.charCodeAt(i + 1) === 45 ? detectPem(s, i, out) : prefixed(s, i, floor, out);
          break;
        case 95: // _
          end = prefixed(s, i, floor, out);
          break;
        case 64: // @
          end = detectEmail(s, i, floor, out);
          break;
        case 58: // :
          if (s.charCodeAt(i + 1) === 47 && s.charCodeAt(i + 2) === 47) {
            end = detectUrlCredential(s, i, out);
          } else {
            if ((bits(s, i - 1) & HEX) !== 0) end = ipv6FromColon(s, i, floor, out);
            if (end === -1 && s.charCodeAt(i + 1) === 58) end = detectIpv6(s, i, out);
          }
          if (end === -1) end = detectAssignment(s, i, floor, keys, out);
          break;
        case 61: // =
          end = detectAssignment(s, i, floor, keys, out);
          break;
        default: // + (
          if ((bits(s, i + 1) & ALNUM) !== 0) end = detectNumeric(s, i, out);
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

/** Two-character checks before calling detectWord, so common words cost almost nothing. */
function letterMayStart(s: string, i: number, c: number): boolean {
  const c1 = s.charCodeAt(i + 1);
  if (c === 66 && (c1 === 101 || c1 === 97)) return true; // Bearer / Basic
  if (c1 < 65 || c1 > 90) return false; // AKIA, AIza, DE89: a second upper-case letter
  const c2 = s.charCodeAt(i + 2);
  return c === 65 || (c2 >= 48 && c2 <= 57);
}
