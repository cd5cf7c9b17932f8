/**
 * The text scanner: one pass. Text without triggers is skipped (quiet.ts four characters at a time
 * in long text; units.ts two at a time in short text); detectors run only at triggers (digit runs,
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
import * as triggersModule from './triggers.js';
import * as unitsModule from './units.js';

// Local bindings: under tsx/vite-node an imported name is a getter call on every use, which
// costs more than the detectors themselves in the hot loop.
const { detectAssignment, detectEmail, QUERY_TAILS } = networkModule;
const { keyTailOf } = keysModule;
const { detectNumeric, skipNumeric } = numericModule;
const { detectIban, detectPem, detectWord } = secretsModule;
const { ALNUM, CLS, HEX, UPPER } = chars;
const { KIND, load, MIN_WORDS, nextTrigger } = quietModule;
const {
  atColon,
  bits,
  colonMayStart,
  joinsGroup,
  letterMayStart,
  mayBeAssignment,
  mayBePrefix,
  numberAhead,
  numberAt,
  prefixed,
  skipAlnum,
  startsIban,
} = triggersModule;
const { loadUnits, nextTriggerIn } = unitsModule;

// Below, `u` holds the units of the scanned string followed by zeros (units.ts): `u[k]` for k up
// to the length + PAD reads as `codeOr0(s, k)`; reads before the start are guarded.

/** Appends the pattern findings of `s` to `out`; `u` is its units copy if already loaded. */
export function scanText(
  s: string,
  keys: SensitiveKeys,
  out: Match[],
  u: Uint16Array = loadUnits(s),
): void {
  const n = s.length;
  const words = n < MIN_WORDS ? -1 : load(s);
  let floor = 0;
  let i = 0;
  for (;;) {
    // Short text: a pair of units at a time from the shared copy (units.ts); long text: four at
    // a time from its byte copy (quiet.ts). Either stops at a trigger or at the end.
    i = words < 0 ? nextTriggerIn(u, i, n) : nextTrigger(s, i, n, words);
    if (i >= n) return;
    const c = u[i]!;
    // The common triggers are decided right here, in line, and only what passes their first
    // check calls a detector: a digit run too short for any number, a word no secret starts
    // like, a key ending unlike any sensitive one.
    const p = i > 0 ? u[i - 1]! : 0;
    const pc = p < 128 ? CLS[p]! : 0;
    let end = -1;
    let resume = i + 1;
    // One table load says which trigger this is (quiet.ts KIND): one jump, not a chain of tests.
    switch (KIND[c]) {
      case 1: {
        // Digits.
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
        break;
      }
      case 2: {
        // Upper case: Bearer/Basic, AKIA/AIza and IBAN country codes at a word start, and the J of
        // a JWT's `eyJ` inside one. Without a match the rest of the word holds no trigger of its
        // own, so it is skipped whole.
        if ((pc & ALNUM) === 0) {
          if (letterMayStart(u, i, c)) end = detectWord(s, i, c, out);
        } else if (c === 74 && p === 121 && i - 2 >= floor && u[i - 2] === 101) {
          if ((bits(u, i - 3) & ALNUM) === 0) end = detectWord(s, i - 2, 101, out);
        }
        if (end === -1) resume = skipAlnum(u, n, i);
        break;
      }
      case 3: {
        // `=` or `:`.
        if (c === 58 && colonMayStart(u, i, pc)) end = atColon(s, u, i, floor, out);
        if (end === -1) {
          // `key=` / `key:`: most keys end unlike any sensitive one (the assignment's first test).
          const ke = p === 34 || p === 39 ? i - 1 : i;
          const tail = keyTailOf(u, Math.max(floor, ke - 12), ke);
          if (
            (keys.tailMatches(tail) || (c === 61 && QUERY_TAILS[tail] === 1)) &&
            mayBeAssignment(u, floor, ke, c, keys)
          ) {
            end = detectAssignment(s, i, floor, keys, out);
          }
        }
        break;
      }
      case 4: {
        // `-` or `_`.
        if (c === 45 && u[i + 1] === 45) end = detectPem(s, i, out);
        else if (mayBePrefix(u, i)) end = prefixed(s, u, i, floor, out);
        break;
      }
      case 5: {
        // `@`.
        end = detectEmail(s, i, floor, out);
        break;
      }
      case 6: {
        // `+` or `(`.
        if ((bits(u, i + 1) & ALNUM) !== 0)
          // `+` or `(` before a digit or letter: a phone's country code or area code.
          end = detectNumeric(s, i, out);
        break;
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
