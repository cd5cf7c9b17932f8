/**
 * Numeric detectors (cards, phones, US SSNs, IPv4), run on one parsed "numeric span": digit groups
 * joined by single separators. Parsing once and classifying the groups keeps this linear, where a
 * set of alternative regexes would rescan and backtrack on every digit run of a prompt.
 */
import * as chars from './chars.js';
import * as checksumsModule from './checksums.js';
import type { Match } from './match.js';

// Local bindings: under tsx/vite-node an imported name is a getter call on every use, which
// costs more than the detectors themselves in the hot loop.
const { cardValid, ipv4Valid, ssnValid } = checksumsModule;
const { ALNUM, CLS, DIGIT } = chars;

const MAX_GROUPS = 12;

/** Digit groups of a span; `sep[k]` joins group k-1 and k ('' after a closing parenthesis). */
export interface NumericSpan {
  plus: boolean;
  starts: number[];
  ends: number[];
  paren: boolean[];
  sep: string[];
  /** End of the last group, after its closing parenthesis if any. */
  end: number;
}

function code(s: string, i: number): number {
  return i < s.length ? s.charCodeAt(i) : 0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Parses the span starting at `i` (a digit, `+digit` or `(digit`), or undefined. */
export function parseNumeric(s: string, i: number): NumericSpan | undefined {
  const span: NumericSpan = { plus: false, starts: [], ends: [], paren: [], sep: [], end: i };
  let p = i;
  if (code(s, p) === 43) {
    span.plus = true;
    p++;
  }
  let sep = '';
  while (span.starts.length < MAX_GROUPS) {
    let paren = false;
    if (code(s, p) === 40) {
      paren = true;
      p++;
    }
    const gs = p;
    while (isDigit(code(s, p))) p++;
    if (p === gs || p - gs > 24) break;
    const ge = p;
    if (paren) {
      if (code(s, p) !== 41) break;
      p++;
    }
    span.starts.push(gs);
    span.ends.push(ge);
    span.paren.push(paren);
    span.sep.push(sep);
    span.end = p;
    const c = code(s, p);
    if (c === 32 || c === 45 || c === 46 || c === 47) {
      sep = String.fromCharCode(c);
      if (isDigit(code(s, p + 1)) || (code(s, p + 1) === 40 && isDigit(code(s, p + 2)))) {
        p++;
        continue;
      }
      break;
    }
    if (c === 40 && isDigit(code(s, p + 1))) {
      sep = '';
      continue;
    }
    if (paren && isDigit(c)) {
      sep = '';
      continue;
    }
    break;
  }
  return span.starts.length === 0 ? undefined : span;
}

function len(span: NumericSpan, k: number): number {
  return span.ends[k]! - span.starts[k]!;
}

function digitsOf(s: string, span: NumericSpan, from: number, to: number): string {
  let d = '';
  for (let k = from; k < to; k++) d += s.slice(span.starts[k], span.ends[k]);
  return d;
}

/** End offset of group k-1 including its closing parenthesis. */
function groupEnd(span: NumericSpan, k: number): number {
  return span.ends[k - 1]! + (span.paren[k - 1] ? 1 : 0);
}

/** The character after a number must not continue it (`4111...1111x`, `1.2.3.4.5`, `555-1234-9`). */
function endsCleanly(s: string, end: number): boolean {
  const c = code(s, end);
  if (c < 128 && (CLS[c]! & ALNUM) !== 0) return false;
  if ((c === 46 || c === 45 || c === 47) && isDigit(code(s, end + 1))) return false;
  return true;
}

function phoneE164(s: string, span: NumericSpan): number {
  // Longest prefix of groups with 8-15 digits, separators any of space, dash, dot, parentheses.
  let digits = 0;
  let best = -1;
  for (let k = 0; k < span.starts.length; k++) {
    if (k > 0 && span.sep[k] === '/') break;
    digits += len(span, k);
    if (digits > 15) break;
    if (digits >= 8 && endsCleanly(s, groupEnd(span, k + 1))) best = k + 1;
  }
  return best === -1 ? -1 : groupEnd(span, best);
}

function ssn(s: string, span: NumericSpan): number {
  if (span.starts.length < 3 || span.paren[0] || span.paren[1] || span.paren[2]) return -1;
  const sep = span.sep[1];
  if ((sep !== '-' && sep !== ' ') || span.sep[2] !== sep) return -1;
  if (len(span, 0) !== 3 || len(span, 1) !== 2 || len(span, 2) !== 4) return -1;
  const end = span.ends[2]!;
  if (!endsCleanly(s, end)) return -1;
  if (span.starts.length > 3 && span.sep[3] === sep) return -1;
  const valid = ssnValid(
    s.slice(span.starts[0], span.ends[0]),
    s.slice(span.starts[1], span.ends[1]),
    s.slice(span.starts[2], span.ends[2]),
  );
  return valid ? end : -1;
}

function ipv4(s: string, span: NumericSpan): number {
  if (span.starts.length < 4) return -1;
  for (let k = 0; k < 4; k++) if (span.paren[k] || (k > 0 && span.sep[k] !== '.')) return -1;
  if (span.starts.length > 4 && span.sep[4] === '.') return -1;
  let end = span.ends[3]!;
  if (!ipv4Valid(s.slice(span.starts[0], end))) return -1;
  // CIDR notation: the prefix length belongs to the address.
  if (span.starts.length > 4 && span.sep[4] === '/' && len(span, 4) <= 2) end = span.ends[4]!;
  return endsCleanly(s, end) ? end : -1;
}

function card(s: string, span: NumericSpan): number {
  if (span.paren[0]) return -1;
  const first = len(span, 0);
  if (first >= 13 && first <= 19) {
    const end = span.ends[0]!;
    return endsCleanly(s, end) && cardValid(s.slice(span.starts[0], end)) ? end : -1;
  }
  // Grouped: same separator (space or dash) throughout, groups of 3-6 digits, longest valid wins.
  const sep = span.sep[1];
  if (sep !== ' ' && sep !== '-') return -1;
  let n = 1;
  let digits = first;
  while (
    n < span.starts.length &&
    span.sep[n] === sep &&
    !span.paren[n] &&
    len(span, n) >= 3 &&
    len(span, n) <= 6
  ) {
    digits += len(span, n);
    n++;
    if (digits > 19) break;
  }
  if (first < 3 || first > 6) return -1;
  for (let k = n; k >= 2; k--) {
    const d = digitsOf(s, span, 0, k);
    if (d.length < 13 || d.length > 19) continue;
    if (cardValid(d) && endsCleanly(s, span.ends[k - 1]!)) return span.ends[k - 1]!;
  }
  return -1;
}

function firstDigit(s: string, span: NumericSpan, k: number): number {
  return s.charCodeAt(span.starts[k]!) - 48;
}

/** North American numbers: (NXX) NXX-XXXX, NXX-NXX-XXXX, NXX.NXX.XXXX, 1-NXX-NXX-XXXX. */
function phoneNanp(s: string, span: NumericSpan): number {
  let k = 0;
  if (span.starts.length >= 4 && len(span, 0) === 1 && firstDigit(s, span, 0) === 1) k = 1;
  if (span.starts.length < k + 3) return -1;
  if (len(span, k) !== 3 || len(span, k + 1) !== 3 || len(span, k + 2) !== 4) return -1;
  if (span.paren[k + 1] || span.paren[k + 2] || (k === 1 && span.paren[0])) return -1;
  if (firstDigit(s, span, k) < 2 || firstDigit(s, span, k + 1) < 2) return -1;
  const s1 = span.sep[k + 1]!;
  const s2 = span.sep[k + 2]!;
  if (s2 === '/' || s1 === '/') return -1;
  if (!span.paren[k] && s1 !== s2) return -1;
  if (span.paren[k] && s2 !== '-' && s2 !== ' ' && s2 !== '.') return -1;
  const end = span.ends[k + 2]!;
  if (!endsCleanly(s, end)) return -1;
  // `555-123-4567-89` is some other identifier; after a space, the next number is separate.
  if (span.starts.length > k + 3 && span.sep[k + 3] === s2 && s2 !== ' ') return -1;
  return end;
}

/** National numbers with a trunk 0 (UK, DE, FR, ...): 2+ groups, one separator, 9-12 digits. */
function phoneNational(s: string, span: NumericSpan): number {
  // A trunk 0 then an area code; `00` is an international prefix and `000-...` is no number.
  if (s.charCodeAt(span.starts[0]!) !== 48 || s.charCodeAt(span.starts[0]! + 1) === 48) return -1;
  const n = span.starts.length;
  if (n < 2) return -1;
  const sep = span.sep[1];
  if (sep !== ' ' && sep !== '-') return -1;
  let digits = len(span, 0);
  let k = 1;
  while (k < n && span.sep[k] === sep && !span.paren[k] && len(span, k) >= 2) {
    digits += len(span, k);
    k++;
  }
  if (k < n && span.sep[k] === sep) return -1;
  if (digits < 9 || digits > 12) return -1;
  const end = span.ends[k - 1]!;
  return endsCleanly(s, end) ? end : -1;
}

/**
 * Cheap filter before parsing: every numeric entity has at least 7 digits, except IPv4, whose
 * first group (1-3 digits) is followed by a dot. Most digit runs in prose (`200`, `35ms`, `2024`)
 * stop here without allocating.
 */
function worthParsing(s: string, start: number): boolean {
  let p = start;
  const c0 = code(s, p);
  if (c0 === 43 || c0 === 40) p++;
  const g = p;
  while (isDigit(code(s, p))) p++;
  if (p - g <= 3 && code(s, p) === 46 && isDigit(code(s, p + 1))) return true;
  let digits = p - g;
  let q = p;
  while (q < s.length && q - start < 48) {
    const c = s.charCodeAt(q);
    if (isDigit(c)) digits++;
    else if (!(c === 32 || c === 45 || c === 46 || c === 47 || c === 40 || c === 41)) break;
    else if (!isDigit(code(s, q + 1)) && code(s, q + 1) !== 40 && c !== 41) break;
    q++;
  }
  return digits >= 7;
}

/**
 * Classifies the span at `start`; pushes a match and returns its end, or returns -1. `start` is a
 * token start: the scanner guarantees the previous character is not alphanumeric.
 */
export function detectNumeric(s: string, start: number, out: Match[]): number {
  // `ORD-4111...`, `v1.2.3.4`, `10:30:00`: digits glued to an identifier or a time are not PII.
  const prev = start > 0 ? s.charCodeAt(start - 1) : 0;
  if (start > 1) {
    const pp = s.charCodeAt(start - 2);
    const ppAlnum = pp < 128 && (CLS[pp]! & ALNUM) !== 0;
    if ((prev === 45 || prev === 46 || prev === 47 || prev === 95) && ppAlnum) return -1;
    if (prev === 58 && pp < 128 && (CLS[pp]! & DIGIT) !== 0) return -1;
  }
  if (!worthParsing(s, start)) return -1;
  const span = parseNumeric(s, start);
  if (span === undefined) return -1;
  let end: number;
  if (span.plus) {
    end = phoneE164(s, span);
    if (end !== -1) out.push({ start, end, type: 'PHONE' });
    return end;
  }
  end = ssn(s, span);
  if (end !== -1) {
    out.push({ start, end, type: 'US_SSN' });
    return end;
  }
  end = ipv4(s, span);
  if (end !== -1) {
    out.push({ start, end, type: 'IP_ADDRESS' });
    return end;
  }
  end = card(s, span);
  if (end !== -1) {
    out.push({ start, end, type: 'CREDIT_CARD' });
    return end;
  }
  // The tail of a longer digit sequence (`5277 0755 9227 4709` failing Luhn) is not a phone.
  if ((prev === 32 || prev === 45 || prev === 46) && continuesGroup(s, start - 1)) return -1;
  end = phoneNanp(s, span);
  if (end === -1) end = phoneNational(s, span);
  if (end !== -1) {
    out.push({ start, end, type: 'PHONE' });
    return end;
  }
  return bareWithContext(s, span, start, out);
}

/** True when a digit group of 3+ digits ends right before the separator at `sepAt`. */
function continuesGroup(s: string, sepAt: number): boolean {
  let p = sepAt;
  while (p > 0 && sepAt - p < 3 && isDigit(s.charCodeAt(p - 1))) p--;
  return sepAt - p >= 3;
}

const PHONE_CONTEXT = /\b(?:phone|tel|telephone|mobile|cell|call|sms|text me|whatsapp|fax)\b/i;
const SSN_CONTEXT = /\b(?:ssn|social security|soc\.? sec)/i;

/**
 * Unformatted numbers are ambiguous (order ids, timestamps), so a bare `4155550132` or `123456789`
 * counts only when a phone or SSN word comes shortly before it.
 */
function bareWithContext(s: string, span: NumericSpan, start: number, out: Match[]): number {
  if (span.paren[0]) return -1;
  const n = len(span, 0);
  if (n !== 9 && n !== 10 && n !== 11) return -1;
  const end = span.ends[0]!;
  if (!endsCleanly(s, end) || (span.starts.length > 1 && span.sep[1] !== ' ')) return -1;
  const before = s.slice(Math.max(0, start - 32), start);
  const d = s.slice(start, end);
  if (n === 9) {
    if (!SSN_CONTEXT.test(before) || !ssnValid(d.slice(0, 3), d.slice(3, 5), d.slice(5))) return -1;
    out.push({ start, end, type: 'US_SSN' });
    return end;
  }
  const local = n === 11 ? (d[0] === '1' ? d.slice(1) : '') : d;
  if (local === '' || local[0]! < '2' || local[3]! < '2' || !PHONE_CONTEXT.test(before)) return -1;
  out.push({ start, end, type: 'PHONE' });
  return end;
}

/** Where to resume after a span that matched nothing: after its first group. */
export function skipNumeric(s: string, start: number): number {
  let p = start;
  const c = code(s, p);
  if (c === 43 || c === 40) p++;
  while (isDigit(code(s, p))) p++;
  return p > start ? p : start + 1;
}
