/**
 * A "numeric span": digit groups joined by single separators, parsed once so every numeric
 * detector classifies the same groups instead of rescanning the text with its own regex.
 */
import * as chars from './chars.js';

const { ALNUM, CLS } = chars;

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

export function code(s: string, i: number): number {
  return i < s.length ? s.charCodeAt(i) : 0;
}

export function isDigit(c: number): boolean {
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

export function len(span: NumericSpan, k: number): number {
  return span.ends[k]! - span.starts[k]!;
}

export function digitsOf(s: string, span: NumericSpan, from: number, to: number): string {
  let d = '';
  for (let k = from; k < to; k++) d += s.slice(span.starts[k], span.ends[k]);
  return d;
}

/** End offset of group k-1 including its closing parenthesis. */
export function groupEnd(span: NumericSpan, k: number): number {
  return span.ends[k - 1]! + (span.paren[k - 1] ? 1 : 0);
}

/** The character after a number must not continue it (`4111...1111x`, `1.2.3.4.5`, `555-1234-9`). */
export function endsCleanly(s: string, end: number): boolean {
  const c = code(s, end);
  if (c < 128 && (CLS[c]! & ALNUM) !== 0) return false;
  if ((c === 46 || c === 45 || c === 47) && isDigit(code(s, end + 1))) return false;
  return true;
}

export function firstDigit(s: string, span: NumericSpan, k: number): number {
  return s.charCodeAt(span.starts[k]!) - 48;
}
