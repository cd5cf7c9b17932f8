/**
 * The scanner's first checks at a trigger: from a few units of the string's copy (units.ts) they
 * decide whether any detector may match there, so most triggers (`200`, `GET`, `region=`,
 * `gpt-4o`) cost a few loads and no detector call. Each check says what it rules out; a check
 * that passes hands over to the detector, which decides on the string itself.
 */
import type { SensitiveKeys } from '../policy/keys.js';
import * as keysModule from '../policy/keys.js';
import * as chars from './chars.js';
import type { Match } from './match.js';
import * as networkModule from './network.js';
import * as numericModule from './numeric.js';
import * as secretsModule from './secrets.js';

// Local bindings: under tsx/vite-node an imported name is a getter call on every use, which
// costs more than the detectors themselves in the hot loop.
const { detectIpv6, detectUrlCredential, looksLikeIpv6, QUERY_SIGNATURES } = networkModule;
const { keySignatureOf } = keysModule;
const { detectNumeric } = numericModule;
const { detectWord } = secretsModule;
const { ALNUM, CLS, HEX, UPPER } = chars;

// Below, `u` holds the units of the scanned string followed by zeros (units.ts): `u[k]` for k up
// to the length + PAD reads as `codeOr0(s, k)`; reads before the start are guarded.

/** Digits, hex letters and the separators numbers and addresses use. */
const NUMISH = new Uint8Array(128);
for (const ch of '0123456789abcdefABCDEF -.()/:') NUMISH[ch.charCodeAt(0)] = 1;

/** Every numeric entity spans at least 6 characters: `200`, `35ms` or `v1` never qualify. */
export function numberAhead(u: Uint16Array, i: number): boolean {
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
export function bits(u: Uint16Array, k: number): number {
  const c = k >= 0 ? u[k]! : 0;
  return c < 128 ? CLS[c]! : 0;
}

export function skipAlnum(u: Uint16Array, n: number, i: number): number {
  let p = i + 1;
  while (p < n) {
    const c = u[p]!;
    if (!(c < 128 && (CLS[c]! & ALNUM) !== 0)) break;
    p++;
  }
  return p;
}

/**
 * Those prefixes are 2 (`sk`, `rk`), 3 (`gh?`), 4 (`xox?`, `xapp`) or 6 (`github`) letters long,
 * and detectWord matches nothing else from a `-` or `_`: a word whose first two letters are none
 * of those there (`gpt-`, `4o-`) costs a few loads, not a walk back.
 */
export function mayBePrefix(u: Uint16Array, i: number): boolean {
  if (i < 2) return false;
  const a = u[i - 1]!;
  const b = u[i - 2]!;
  if (a === 107 && (b === 115 || b === 114)) return true;
  if (i < 3) return false;
  if (b === 104 && u[i - 3] === 103) return true;
  if (i < 4) return false;
  const c = u[i - 3]!;
  if ((c === 111 || c === 97) && u[i - 4] === 120) return true;
  return i >= 6 && u[i - 5] === 105 && u[i - 6] === 103;
}

/** `sk-`, `sk_live_`, `ghp_`, `github_pat_`, `xoxb-`, `xapp-` seen from the `-`/`_` at `i`. */
export function prefixed(
  s: string,
  u: Uint16Array,
  i: number,
  floor: number,
  out: Match[],
): number {
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

/**
 * `region=` ends like `authorization`: a key whose last five characters are known (keySignatureOf)
 * and sign no sensitive key (nor a query key, before `=`) is one detectAssignment would refuse.
 */
export function mayBeAssignment(
  u: Uint16Array,
  floor: number,
  ke: number,
  c: number,
  keys: SensitiveKeys,
): boolean {
  const sig = keySignatureOf(u, floor, ke);
  return sig === -1 || keys.signatureMatches(sig) || (c === 61 && QUERY_SIGNATURES[sig] === 1);
}

/** Two capitals at `k` after no letter or digit: where an IBAN's country code stands. */
export function startsIban(u: Uint16Array, k: number): boolean {
  return (bits(u, k) & UPPER) !== 0 && (bits(u, k - 1) & ALNUM) === 0;
}

/** A separator after the digit run ending at `e` that joins a next group (digit or `(`). */
export function joinsGroup(u: Uint16Array, e: number, d: number): boolean {
  if (!(d < 128 && DIGITISH[d] === 1)) return false;
  const d1 = u[e + 1]!;
  return (d1 <= 57 && d1 >= 48) || d1 === 40;
}

/** A number at digit `i` (numberAhead passed): an IPv6 (`2001:db8::1`) or a numeric span. */
export function numberAt(s: string, u: Uint16Array, i: number, out: Match[]): number {
  let end = -1;
  if (looksLikeIpv6(s, i)) end = detectIpv6(s, i, out);
  if (end === -1 && digitsAhead(u, i)) end = detectNumeric(s, i, out);
  return end;
}

/**
 * A colon that may start a URL credential (`://`) or an IPv6 (`::`, or between hex digits). After
 * `finished:` or `code: ` an IPv6 would be the hex word alone, one group: never valid.
 */
export function colonMayStart(u: Uint16Array, i: number, pc: number): boolean {
  const n1 = u[i + 1]!;
  if (n1 === 58 || (n1 === 47 && u[i + 2] === 47)) return true;
  return (pc & HEX) !== 0 && (bits(u, i + 1) & HEX) !== 0;
}

/** `scheme://user:pass@` or an IPv6 (`fe80::1`, `abcd:ef01:...`); -1 leaves a `key:` to try. */
export function atColon(s: string, u: Uint16Array, i: number, floor: number, out: Match[]): number {
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
export function letterMayStart(u: Uint16Array, i: number, c: number): boolean {
  const c1 = u[i + 1]!;
  if (c === 66 && (c1 === 101 || c1 === 97)) return true; // Bearer / Basic
  // AKIA, AIza, DE89: a second upper-case letter (a letter at the end is none of them either).
  if (c1 < 65 || c1 > 90) return false;
  const c2 = u[i + 2]!;
  return c === 65 || (c2 >= 48 && c2 <= 57);
}
