/**
 * The text scanner. One native regex pass finds trigger positions (digit runs, `@ : = + ( - _`, and
 * the rare starts `eyJ`, `Bearer `, `Basic `, `AKIA`, `AIza`, `DE89`...); detectors run only there.
 * Prose between triggers is never touched by JavaScript, which is what keeps it fast. Prefixed
 * secrets (`sk-`, `ghp_`, `xoxb-`, `github_pat_`) are found from their first `-` or `_`.
 * Matches come out in order and never overlap: scanning resumes after each match.
 */
import type { SensitiveKeys } from '../policy/keys.js';
import { ALNUM, CLS, HEX, UPPER } from './chars.js';
import type { Match } from './match.js';
import {
  detectAssignment,
  detectEmail,
  detectIpv6,
  detectUrlCredential,
  looksLikeIpv6,
} from './network.js';
import { detectNumeric, skipNumeric } from './numeric.js';
import { detectIban, detectPem, detectWord } from './secrets.js';

/** Shared by all calls: scanText never re-enters itself, and always resets lastIndex first. */
/**
 * Every alternative matches exactly one character, so `test()` gives the index without allocating.
 * A digit triggers only when 5 more number-ish characters follow (every numeric entity is at least
 * that long), so `200`, `35ms` and `v1` in prose never reach JavaScript. Upper-case letters
 * trigger only before a digit pair (IBAN) or a key prefix.
 */
const TRIGGER =
  /[0-9](?=[0-9a-fA-F \-.()/:]{5})|[@:=+(\-_]|(?=eyJ|[Bb](?:earer|asic)[ \t]|A(?:KIA|SIA|Iza|BIA|CCA|GPA|IDA|IPA|NPA|NVA|ROA|PKA|SCA)|[A-Z]{2}[0-9]{2})[eBbA-Z]/g;

function bits(s: string, i: number): number {
  if (i < 0) return 0;
  const c = s.charCodeAt(i);
  return c < 128 ? CLS[c]! : 0;
}

function skipAlnum(s: string, i: number): number {
  let p = i;
  while ((bits(s, p) & ALNUM) !== 0) p++;
  return p;
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
  const re = TRIGGER;
  re.lastIndex = 0;
  let floor = 0;
  while (re.test(s)) {
    const i = re.lastIndex - 1;
    const c = s.charCodeAt(i);
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
      } else {
        if (looksLikeIpv6(s, i)) end = detectIpv6(s, i, out);
        if (end === -1) end = detectNumeric(s, i, out);
        // `4111 1111 ...` after `Order 2024`: retry from the next group, not the span's end.
        if (end === -1) resume = skipNumeric(s, i);
      }
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
        case 43: // +
        case 40: // (
          if ((bits(s, i + 1) & ALNUM) !== 0) end = detectNumeric(s, i, out);
          break;
        default:
          // eyJ / Bearer / Basic / AKIA... / IBAN: only at the start of a word.
          if ((bits(s, i - 1) & ALNUM) === 0) end = detectWord(s, i, c, out);
      }
    }
    if (end > i) {
      floor = end;
      re.lastIndex = end;
    } else {
      re.lastIndex = resume;
    }
  }
}
