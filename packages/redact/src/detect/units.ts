/**
 * The string being scanned, as UTF-16 code units in a typed array. In V8 every `charCodeAt`
 * checks the string's representation (sequential, cons, sliced, one- or two-byte) before the
 * load; a Uint16Array load is a third of that. On ~90-byte attributes the copy (one native
 * call) plus the scan of the copy cost less than the plain charCodeAt pass over the string.
 * The copy is exact: every unit, lone surrogates included, so offsets and characters are those
 * of the string. PAD zeros follow the last unit: reads up to PAD past the end see 0, as
 * `codeOr0` does (NUL is in no class table).
 */

import * as quietModule from './quiet.js';

// A local binding: under tsx/vite-node an imported name is a getter call on every use.
const { KIND } = quietModule;

/**
 * Zeros after the string: the scanner's look-ahead reaches at most 6 units past a position.
 * loadUnits writes them as eight stores: change both together.
 */
export const PAD = 8;

/** Longest string scanned from the shared buffer (128 Ki units); longer ones get their own. */
const CAPACITY = 1 << 17;
const UNITS = new Uint16Array(CAPACITY + PAD);
/** The same memory two units at a time, for the quiet-text skip (nextTriggerIn). */
const UNIT_PAIRS = new Int32Array(UNITS.buffer, UNITS.byteOffset, (CAPACITY + PAD) >> 1);
const UNIT_BYTES = Buffer.from(UNITS.buffer, UNITS.byteOffset, UNITS.byteLength);

/** Below this length a loop of charCodeAt fills the buffer faster than the native call. */
const MIN_NATIVE = 32;

/**
 * Buffer's own utf16le writer, the one `write(s, 0, 'utf16le')` ends in, without write()'s
 * argument and encoding parsing: that parsing was a third of the copy's cost on ~90-byte strings.
 * Undocumented, so write() is used where a runtime lacks it.
 */
type Ucs2Write = (this: Buffer, s: string, offset: number, length: number) => number;
const ucs2Write = (Buffer.prototype as unknown as { ucs2Write?: Ucs2Write }).ucs2Write;

/** `utf16le` bytes are the units themselves only on a little-endian machine. */
const LITTLE_ENDIAN = new Uint16Array(new Uint8Array([1, 0]).buffer)[0] === 1;
/** The writer when it copies units as they are. */
const NATIVE = LITTLE_ENDIAN ? ucs2Write : undefined;

/**
 * The units of `s` followed by PAD zeros. The buffer is shared: the scan that loaded it must
 * finish before another string is loaded (scanning is synchronous and never re-entered).
 */
export function loadUnits(s: string): Uint16Array {
  const n = s.length;
  if (n >= MIN_NATIVE && n <= CAPACITY && NATIVE !== undefined) {
    // The common case first, in a few straight lines: one native copy, then the PAD zeros.
    NATIVE.call(UNIT_BYTES, s, 0, n * 2);
    UNITS[n] = 0;
    UNITS[n + 1] = 0;
    UNITS[n + 2] = 0;
    UNITS[n + 3] = 0;
    UNITS[n + 4] = 0;
    UNITS[n + 5] = 0;
    UNITS[n + 6] = 0;
    UNITS[n + 7] = 0;
    return UNITS;
  }
  const u = n <= CAPACITY ? UNITS : new Uint16Array(n + PAD);
  if (n >= MIN_NATIVE && LITTLE_ENDIAN) {
    const bytes = u === UNITS ? UNIT_BYTES : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
    if (ucs2Write !== undefined) ucs2Write.call(bytes, s, 0, n * 2);
    else bytes.write(s, 0, 'utf16le');
  } else {
    for (let i = 0; i < n; i++) u[i] = s.charCodeAt(i);
  }
  for (let k = n; k < n + PAD; k++) u[k] = 0;
  return u;
}

/**
 * The first index >= i whose unit is a trigger (KIND not 0), or n; `u` is what loadUnits returned
 * for a string of length n. From the shared buffer two units at a time: one word test rejects a
 * pair when neither unit lies in 0x28-0x5F, where every trigger lies (exact per 16-bit lane: no
 * carry crosses lanes), and a pair that passes is looked up in KIND without leaving the loop, so
 * `.` `,` `/` `?` cost no exit. Text without triggers costs about a third of a charCodeAt pass.
 */
export function nextTriggerIn(u: Uint16Array, i: number, n: number): number {
  let p = i;
  if (u !== UNITS) {
    // A string with a copy of its own: the NUL after its end stops the loop.
    while (KIND[u[p]!] === 0) p++;
    return p;
  }
  if ((p & 1) !== 0) {
    if (KIND[UNITS[p]!] !== 0) return p;
    p++;
  }
  const end = (n + 1) >> 1;
  for (let w = p >> 1; w < end; w++) {
    const x = UNIT_PAIRS[w]!;
    const t = x & 0x7fff7fff;
    // High bit of a lane: t >= 0x28, not t > 0x5F, and the unit below 0x8000.
    if (((t + 0x7fd87fd8) & ~(t + 0x7fa07fa0) & ~x & 0x80008000) !== 0) {
      const q = w << 1;
      if (KIND[UNITS[q]!] !== 0) return q;
      if (KIND[UNITS[q + 1]!] !== 0) return q + 1;
    }
  }
  return n;
}
