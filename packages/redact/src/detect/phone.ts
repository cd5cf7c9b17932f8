/** Phone numbers (E.164, North American, national with a trunk 0) and context-bound bare numbers. */
import * as checksumsModule from './checksums.js';
import type { Match } from './match.js';
import type { NumericSpan } from './numeric-span.js';
import * as spanModule from './numeric-span.js';

// Local bindings: under tsx/vite-node an imported name is a getter call on every use.
const { ssnValid } = checksumsModule;
const { endsCleanly, firstDigit, groupEnd, isDigit, len } = spanModule;

const PHONE_CONTEXT = /\b(?:phone|tel|telephone|mobile|cell|call|sms|text me|whatsapp|fax)\b/i;
const SSN_CONTEXT = /\b(?:ssn|social security|soc\.? sec)/i;

export function phoneE164(s: string, span: NumericSpan): number {
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

/** North American numbers: (NXX) NXX-XXXX, NXX-NXX-XXXX, NXX.NXX.XXXX, 1-NXX-NXX-XXXX. */
export function phoneNanp(s: string, span: NumericSpan): number {
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
export function phoneNational(s: string, span: NumericSpan): number {
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

/** True when a digit group of 3+ digits ends right before the separator at `sepAt`. */
export function continuesGroup(s: string, sepAt: number): boolean {
  let p = sepAt;
  while (p > 0 && sepAt - p < 3 && isDigit(s.charCodeAt(p - 1))) p--;
  return sepAt - p >= 3;
}

/**
 * Unformatted numbers are ambiguous (order ids, timestamps), so a bare `4155550132` or `123456789`
 * counts only when a phone or SSN word comes shortly before it.
 */
export function bareWithContext(s: string, span: NumericSpan, start: number, out: Match[]): number {
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
