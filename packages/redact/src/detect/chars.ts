/** ASCII character classes for the scanner's hot loop: one table lookup per character. */
export const DIGIT = 1;
export const UPPER = 2;
export const LOWER = 4;
export const ALNUM = DIGIT | UPPER | LOWER;
export const HEX = 8;
/** Characters allowed in an email local part besides alphanumerics. */
export const LOCAL = 16;
/** Characters of base64/base64url/token alphabets besides alphanumerics. */
export const TOKEN = 32;
/** Characters allowed in a domain name besides alphanumerics. */
export const DOMAIN = 64;

export const CLS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLS[c] = DIGIT | HEX;
for (let c = 65; c <= 90; c++) CLS[c] = UPPER;
for (let c = 97; c <= 122; c++) CLS[c] = LOWER;
for (let c = 65; c <= 70; c++) CLS[c]! |= HEX;
for (let c = 97; c <= 102; c++) CLS[c]! |= HEX;
for (const ch of "._%+-'") CLS[ch.charCodeAt(0)]! |= LOCAL;
for (const ch of '_-.+/=~') CLS[ch.charCodeAt(0)]! |= TOKEN;
for (const ch of '.-') CLS[ch.charCodeAt(0)]! |= DOMAIN;

/** Class bits of the character at `i` (0 for non-ASCII or out of range). */
export function cls(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c < 128 ? CLS[c]! : 0;
}

export function isAlnumAt(s: string, i: number): boolean {
  return (cls(s, i) & ALNUM) !== 0;
}

export function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * `s.charCodeAt(i)`, NaN outside the string as charCodeAt gives, without reading out of bounds:
 * V8 compiles a charCodeAt call site that once read out of bounds to a generic call for good,
 * three times slower on every later read.
 */
export function codeAt(s: string, i: number): number {
  return i >= 0 && i < s.length ? s.charCodeAt(i) : Number.NaN;
}

/**
 * `s.charCodeAt(i)`, 0 outside the string: an integer, so hot loops stay in integer arithmetic
 * (NaN makes the value a double). Only where 0 acts as NaN does: NUL is in no class table, and
 * compares unequal to every character the callers look for.
 */
export function codeOr0(s: string, i: number): number {
  return i >= 0 && i < s.length ? s.charCodeAt(i) : 0;
}
