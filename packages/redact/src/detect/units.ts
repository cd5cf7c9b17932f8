/**
 * The string being scanned, as UTF-16 code units in a typed array. In V8 every `charCodeAt`
 * checks the string's representation (sequential, cons, sliced, one- or two-byte) before the
 * load; a Uint16Array load is a third of that. On ~90-byte attributes the copy (one native
 * call) plus the scan of the copy cost less than the plain charCodeAt pass over the string.
 * The copy is exact: every unit, lone surrogates included, so offsets and characters are those
 * of the string. PAD zeros follow the last unit: reads up to PAD past the end see 0, as
 * `codeOr0` does (NUL is in no class table).
 */

/** Zeros after the string: the scanner's look-ahead reaches at most 6 units past a position. */
export const PAD = 8;

/** Longest string scanned from the shared buffer (128 Ki units); longer ones get their own. */
const CAPACITY = 1 << 17;
const UNITS = new Uint16Array(CAPACITY + PAD);
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

/**
 * The units of `s` followed by PAD zeros. The buffer is shared: the scan that loaded it must
 * finish before another string is loaded (scanning is synchronous and never re-entered).
 */
export function loadUnits(s: string): Uint16Array {
  const n = s.length;
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
