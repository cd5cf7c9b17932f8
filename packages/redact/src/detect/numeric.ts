/**
 * Numeric detectors (cards, phones, US SSNs, IPv4), run on one parsed "numeric span": digit groups
 * joined by single separators. Parsing once and classifying the groups keeps this linear, where a
 * set of alternative regexes would rescan and backtrack on every digit run of a prompt.
 */
import * as chars from './chars.js';
import * as checksumsModule from './checksums.js';
import type { Match } from './match.js';
import type { NumericSpan } from './numeric-span.js';
import * as spanModule from './numeric-span.js';
import * as phoneModule from './phone.js';

// Local bindings: under tsx/vite-node an imported name is a getter call on every use, which
// costs more than the detectors themselves in the hot loop.
const { cardValid, ipv4Valid, ssnValid } = checksumsModule;
const { ALNUM, CLS, DIGIT } = chars;
const { code, digitsOf, endsCleanly, isDigit, len, parseNumeric } = spanModule;
const { bareWithContext, continuesGroup, phoneE164, phoneNanp, phoneNational } = phoneModule;

function ssn(s: string, span: NumericSpan): number {
  if (span.starts.length < 3 || span.paren[0] || span.paren[1] || span.paren[2]) return -1;
  const sep = span.sep[1];
  if ((sep !== '-' && sep !== ' ') || span.sep[2] !== sep) return -1;
  if (len(span, 0) !== 3 || len(span, 1) !== 2 || len(span, 2) !== 4) return -1;
  const end = span.ends[2]!;
  if (!endsCleanly(s, end)) return -1;
  // `123-45-6789-01` is some other identifier; after a space, the next number is separate.
  if (span.starts.length > 3 && span.sep[3] === sep && sep !== ' ') return -1;
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
  // Longest first; digits are counted before any string is built, since most lengths are wrong.
  let count = 0;
  for (let k = 0; k < n; k++) count += len(span, k);
  for (let k = n; k >= 2; k--) {
    if (k < n) count -= len(span, k);
    if (count < 13 || count > 19) continue;
    if (cardValid(digitsOf(s, span, 0, k)) && endsCleanly(s, span.ends[k - 1]!))
      return span.ends[k - 1]!;
  }
  return -1;
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
  // Without a plus, a first group of one or two digits can start nothing but the IPv4 above, a
  // national number with a trunk 0, or a North American number after its country code 1. Runs of
  // short groups (`1 1 1 …`, `(1) (1) …`) start a span at every group, and parsing each of them
  // up to 12 groups ahead made such text redact 45 times slower per byte than prose.
  if (c0 !== 43 && p - g <= 2) {
    if (code(s, g) !== 48 && !nanpCountryCode(s, c0, g, p)) return false;
    // A lone trunk 0 is followed by an area code of two or more digits (`0 20 7946 0958`).
    if (p - g === 1 && code(s, g) === 48 && nextGroupDigits(s, p) < 2) return false;
  }
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

/** `1-555-…`, `1 (555) …`, `1(555)…`: a lone unparenthesised 1, then a three-digit group. */
function nanpCountryCode(s: string, c0: number, g: number, p: number): boolean {
  return c0 !== 40 && p - g === 1 && code(s, g) === 49 && nextGroupDigits(s, p) === 3;
}

/** Digits in the group after the one ending at `p` (past its `)`, one separator and a `(`). */
function nextGroupDigits(s: string, p: number): number {
  let q = p;
  if (code(s, q) === 41) q++;
  const sep = code(s, q);
  if (sep === 32 || sep === 45 || sep === 46 || sep === 47) q++;
  if (code(s, q) === 40) q++;
  let d = q;
  while (isDigit(code(s, d))) d++;
  return d - q;
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

/** Where to resume after a span that matched nothing: after its first group. */
export function skipNumeric(s: string, start: number): number {
  let p = start;
  const c = code(s, p);
  if (c === 43 || c === 40) p++;
  while (isDigit(code(s, p))) p++;
  return p > start ? p : start + 1;
}
