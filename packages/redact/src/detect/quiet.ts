/**
 * Skipping text that holds no trigger, four characters at a time. Prose is mostly lower-case
 * letters and spaces, and a per-character loop over it cost more than every detector together.
 * The string is copied once into a byte buffer (latin1: one byte per UTF-16 unit, so offsets are
 * unchanged) and read as 32-bit words; one word test rejects four characters whose bytes all lie
 * outside 0x28-0x5F, the range that holds every trigger (digits, upper case, `@ : = + ( - _`).
 * Characters above 0xFF keep only their low byte there, so a word may test positive without a
 * trigger (so may `.` or `,`); each hit is confirmed on the string itself, so nothing is missed
 * and nothing extra is reported.
 */

/** Characters that may start (or sit inside) something worth a detector call. */
export const TRIG = new Uint8Array(128);
for (const ch of '0123456789@:=+(-_') TRIG[ch.charCodeAt(0)] = 1;
for (let c = 65; c <= 90; c++) TRIG[c] = 1;

/**
 * The trigger kind of every UTF-16 unit, which the scanner dispatches on: 0 for none (most text),
 * 1 a digit, 2 an upper-case letter, 3 `=` or `:`, 4 `-` or `_`, 5 `@`, 6 `+` or `(`; the units
 * of TRIG and no others. NUL is 7: the zeros after a string's units (units.ts) end a skip without
 * a test of the length; a NUL inside the string is no trigger and dispatches to nothing.
 */
export const KIND = new Uint8Array(65536);
for (let c = 48; c <= 57; c++) KIND[c] = 1;
for (let c = 65; c <= 90; c++) KIND[c] = 2;
for (const [ch, kind] of [
  ['=', 3],
  [':', 3],
  ['-', 4],
  ['_', 4],
  ['@', 5],
  ['+', 6],
  ['(', 6],
] as const) {
  KIND[ch.charCodeAt(0)] = kind;
}
KIND[0] = 7;

/** Longest string copied (128 KiB); longer ones are skipped a character at a time. */
const CAPACITY = 1 << 17;
const BYTES = new Uint8Array(CAPACITY + 4);
const WORDS = new Int32Array(BYTES.buffer);
const SCRATCH = Buffer.from(BYTES.buffer);

/** Below this length the copy costs more than the word test saves. */
export const MIN_WORDS = 256;

/**
 * Prepares `s` for nextTrigger and returns its word count, or -1 to skip character by character.
 * The buffer is shared: the scan that loaded it must finish before another string is loaded
 * (scanning is synchronous and never re-entered).
 */
export function load(s: string): number {
  const n = s.length;
  if (n < MIN_WORDS || n > CAPACITY) return -1;
  SCRATCH.write(s, 0, n, 'latin1');
  // Spaces after the end, so the last word holds no bytes of an earlier string.
  BYTES[n] = 32;
  BYTES[n + 1] = 32;
  BYTES[n + 2] = 32;
  return (n + 3) >> 2;
}

/** The first index >= i whose character is a trigger, or n. `words` comes from load(s). */
export function nextTrigger(s: string, i: number, n: number, words: number): number {
  let p = i;
  for (;;) {
    // Character by character up to a word boundary (or to the end, without words).
    while (p < n && ((p & 3) !== 0 || words < 0)) {
      const c = s.charCodeAt(p);
      if (c < 128 && TRIG[c] === 1) return p;
      p++;
    }
    if (p >= n) return n;
    let w = p >> 2;
    for (; w < words; w++) {
      const x = WORDS[w]!;
      const t = x & 0x7f7f7f7f;
      // High bit of a byte: t >= 0x28 and not t > 0x5F, for bytes below 0x80.
      if (((t + 0x58585858) & ~(t + 0x20202020) & ~x & 0x80808080) !== 0) break;
    }
    if (w >= words) return n;
    p = w << 2;
    const end = Math.min(p + 4, n);
    for (; p < end; p++) {
      const c = s.charCodeAt(p);
      if (c < 128 && TRIG[c] === 1) return p;
    }
    if (p >= n) return n;
  }
}
