/**
 * The text scanner: one pass over the string with a table lookup per character. Words are skipped
 * whole after a switch on their first character, so prose costs little; detectors run only where a
 * trigger (digit, `@`, `:`, `=`, `+`, `(`, `-----`, a known prefix) makes a match possible.
 * Matches come out in order and never overlap: every detector resumes scanning after its match.
 */
import type { SensitiveKeys } from '../policy/keys.js';
import { ALNUM, CLS, DIGIT } from './chars.js';
import type { Match } from './match.js';
import {
  detectAssignment,
  detectEmail,
  detectIpv6,
  detectUrlCredential,
  looksLikeIpv6,
} from './network.js';
import { detectNumeric, skipNumeric } from './numeric.js';
import { detectPem, detectWord } from './secrets.js';

/** First letters of words that may start a prefixed secret, an IBAN or an auth scheme. */
const WORD_START = new Uint8Array(128);
for (const ch of 'srgxeBb') WORD_START[ch.charCodeAt(0)] = 1;
for (let c = 65; c <= 90; c++) WORD_START[c] = 1;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function scanText(s: string, keys: SensitiveKeys, out: Match[]): void {
  const n = s.length;
  let floor = 0;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? CLS[c]! : 0;
    if ((k & ALNUM) !== 0) {
      let end = -1;
      if ((k & DIGIT) !== 0) {
        if (looksLikeIpv6(s, i)) end = detectIpv6(s, i, out);
        if (end === -1) end = detectNumeric(s, i, out);
        if (end === -1) {
          // `4111 1111 ...` after `Order 2024`: retry from the next group, not the span's end.
          i = skipNumeric(s, i);
          continue;
        }
        i = floor = end;
        continue;
      }
      if (WORD_START[c] === 1) {
        end = detectWord(s, i, c, out);
        if (end !== -1) {
          i = floor = end;
          continue;
        }
      }
      const ws = i;
      i++;
      while (i < n) {
        const d = s.charCodeAt(i);
        if (d < 128 && (CLS[d]! & ALNUM) !== 0) i++;
        else break;
      }
      // IPv6 starting with a letter (`fe80::1`): a short hex word right before a colon.
      if (i - ws <= 4 && s.charCodeAt(i) === 58 && looksLikeIpv6(s, ws)) {
        end = detectIpv6(s, ws, out);
        if (end !== -1) i = floor = end;
      }
      continue;
    }
    let end = -1;
    switch (c) {
      case 64: // @
        end = detectEmail(s, i, floor, out);
        break;
      case 58: // :
        if (s.charCodeAt(i + 1) === 47 && s.charCodeAt(i + 2) === 47) {
          end = detectUrlCredential(s, i, out);
        } else if (s.charCodeAt(i + 1) === 58) {
          end = detectIpv6(s, i, out);
        }
        if (end === -1) end = detectAssignment(s, i, floor, keys, out);
        break;
      case 61: // =
        end = detectAssignment(s, i, floor, keys, out);
        break;
      case 43: // +
      case 40: // (
        if (isDigit(s.charCodeAt(i + 1))) end = detectNumeric(s, i, out);
        break;
      case 45: // -
        if (s.charCodeAt(i + 1) === 45) end = detectPem(s, i, out);
        break;
    }
    if (end > i) i = floor = end;
    else i++;
  }
}
