import {
  INLINE_STRING_BYTES,
  type SpanColumns,
  STRING_COLUMNS,
  STRING_ENTRY_BYTES,
} from './span-columns.js';

/**
 * Span columns crossing a thread boundary (ingest/ingest-worker.ts to the event loop): the buffers
 * a message moves instead of copying, and the check they pass on arrival before DuckDB reads them.
 */

/** The buffers to transfer with a message holding these columns. */
export function spanColumnBuffers(cols: SpanColumns): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const v of Object.values(cols)) {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && !out.includes(v.buffer))
      out.push(v.buffer);
  }
  return out;
}

/** Each array of the columns: its type, and its length per row. */
const ARRAY_FIELDS: Array<[keyof SpanColumns, new (n: number) => ArrayBufferView, number]> = [
  ['kind', Int8Array, 1],
  ['statusCode', Int8Array, 1],
  ['startNs', BigInt64Array, 1],
  ['endNs', BigInt64Array, 1],
  ['durationNs', BigInt64Array, 1],
  ['inputTokens', BigInt64Array, 1],
  ['outputTokens', BigInt64Array, 1],
  ['inputTokensSet', Uint8Array, 1],
  ['outputTokensSet', Uint8Array, 1],
  ['isRun', Uint8Array, 1],
  ['isLlm', Uint8Array, 1],
  ['isTool', Uint8Array, 1],
  ['traceKey', BigUint64Array, 1],
  ['tenantKey', BigUint64Array, 1],
  ['strings', Uint8Array, STRING_COLUMNS.length * STRING_ENTRY_BYTES],
  ['stringSet', Uint8Array, STRING_COLUMNS.length],
  ['fingerprints', Int32Array, 2],
];

/**
 * Checks columns that crossed a thread boundary before anything reads them: the arrays' types and
 * lengths, every inline string's length (DuckDB reads a longer one as a pointer) and every long
 * string's reference. Returns the reason they are unusable, or null.
 */
export function validateSpanColumns(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const cols = value as Record<string, unknown>;
  const n = cols.rows;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return 'rows is not a count';
  for (const [name, type, per] of ARRAY_FIELDS) {
    const a = cols[name];
    if (!(a instanceof type) || (a as unknown as ArrayLike<unknown>).length !== n * per)
      return `${name} is not a ${type.name} of ${n * per}`;
  }
  const heap = cols.heap;
  const refs = cols.longRefs;
  if (!(heap instanceof Uint8Array)) return 'heap is not a Uint8Array';
  if (!(refs instanceof Int32Array) || refs.length % 4 !== 0) return 'longRefs is not quadruples';
  const strings = cols.strings as Uint8Array;
  // Each entry's length is its first 32-bit word (little-endian, as DuckDB reads it on x86 and
  // arm64): read through a word view when aligned, a DataView call an entry otherwise.
  if (strings.byteOffset % 4 === 0) {
    const words = new Uint32Array(strings.buffer, strings.byteOffset, strings.byteLength / 4);
    for (let i = 0; i < words.length; i += STRING_ENTRY_BYTES / 4) {
      if (words[i]! > INLINE_STRING_BYTES) return 'an inline string is too long';
    }
  } else {
    const view = new DataView(strings.buffer, strings.byteOffset, strings.byteLength);
    for (let at = 0; at < strings.byteLength; at += STRING_ENTRY_BYTES) {
      if (view.getUint32(at, true) > INLINE_STRING_BYTES) return 'an inline string is too long';
    }
  }
  for (let i = 0; i < refs.length; i += 4) {
    const c = refs[i]!;
    const r = refs[i + 1]!;
    const start = refs[i + 2]!;
    const end = refs[i + 3]!;
    if (c < 0 || c >= STRING_COLUMNS.length || r < 0 || r >= n) return 'a long string is misplaced';
    if (start < 0 || end < start || end > heap.length) return 'a long string is out of the heap';
    // DuckDB reads an entry of up to 12 bytes as inline text, not through its pointer.
    if (end - start <= INLINE_STRING_BYTES) return 'a long string is short enough to be inline';
  }
  return null;
}
