import { type DuckDBAppender, DuckDBDataChunk } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import {
  SPAN_COLUMN_COUNT,
  type SpanColumns,
  STRING_COLUMNS,
  STRING_ENTRY_BYTES,
} from '../span-columns.js';

/** Rows per DuckDB data chunk (duckdb_vector_size). */
export const CHUNK_ROWS = 2048;
const SC = STRING_COLUMNS.length;

/**
 * One data chunk's values, gathered from runs of span columns' rows (column-append.ts), then handed
 * to DuckDB: numbers, flags and short strings copied into each vector in one call, the long
 * strings' bytes one call per run of rows.
 */
export class ChunkBuilder {
  rows = 0;
  /** `parked_spans`' last column, the same for every row (see appendSpanColumns). */
  private parkedNs: BigInt64Array | null = null;
  private parkedColumn: BigInt64Array | null = null;

  /** Starts an append (of `parked_spans` with `parkedNs`), whatever an earlier one left. */
  start(parkedNs?: bigint): void {
    this.rows = 0;
    this.blobs = [];
    this.longCount = 0;
    if (parkedNs === undefined) this.parkedNs = null;
    else {
      this.parkedColumn ??= new BigInt64Array(CHUNK_ROWS);
      this.parkedNs = this.parkedColumn.fill(parkedNs);
    }
  }

  private readonly kind = new Int8Array(CHUNK_ROWS);
  private readonly statusCode = new Int8Array(CHUNK_ROWS);
  private readonly startNs = new BigInt64Array(CHUNK_ROWS);
  private readonly endNs = new BigInt64Array(CHUNK_ROWS);
  private readonly durationNs = new BigInt64Array(CHUNK_ROWS);
  private readonly inputTokens = new BigInt64Array(CHUNK_ROWS);
  private readonly outputTokens = new BigInt64Array(CHUNK_ROWS);
  private readonly inputTokensSet = new Uint8Array(CHUNK_ROWS);
  private readonly outputTokensSet = new Uint8Array(CHUNK_ROWS);
  private readonly isRun = new Uint8Array(CHUNK_ROWS);
  private readonly isLlm = new Uint8Array(CHUNK_ROWS);
  private readonly isTool = new Uint8Array(CHUNK_ROWS);
  private readonly traceKey = new BigUint64Array(CHUNK_ROWS);
  private readonly tenantKey = new BigUint64Array(CHUNK_ROWS);
  private readonly strings = new Uint8Array(SC * CHUNK_ROWS * STRING_ENTRY_BYTES);
  private readonly stringSet = new Uint8Array(SC * CHUNK_ROWS);
  private readonly entries = new DataView(this.strings.buffer);
  private readonly validity = new Uint8Array(CHUNK_ROWS / 8);
  /**
   * The long strings' source bytes, one blob per run of rows (a request's heap range for them):
   * DuckDB takes each blob in one call, and the strings' entries point into it.
   */
  private blobs: Uint8Array[] = [];
  /** Per long string: its entry's byte offset in `strings`, its blob and its offset in the blob. */
  private readonly longs = new Int32Array(CHUNK_ROWS * SC * 3);
  private longCount = 0;

  add(cols: SpanColumns, start: number, end: number): void {
    const to = this.rows;
    const n = end - start;
    this.kind.set(cols.kind.subarray(start, end), to);
    this.statusCode.set(cols.statusCode.subarray(start, end), to);
    this.startNs.set(cols.startNs.subarray(start, end), to);
    this.endNs.set(cols.endNs.subarray(start, end), to);
    this.durationNs.set(cols.durationNs.subarray(start, end), to);
    this.inputTokens.set(cols.inputTokens.subarray(start, end), to);
    this.outputTokens.set(cols.outputTokens.subarray(start, end), to);
    this.inputTokensSet.set(cols.inputTokensSet.subarray(start, end), to);
    this.outputTokensSet.set(cols.outputTokensSet.subarray(start, end), to);
    this.isRun.set(cols.isRun.subarray(start, end), to);
    this.isLlm.set(cols.isLlm.subarray(start, end), to);
    this.isTool.set(cols.isTool.subarray(start, end), to);
    this.traceKey.set(cols.traceKey.subarray(start, end), to);
    this.tenantKey.set(cols.tenantKey.subarray(start, end), to);
    for (let c = 0; c < SC; c++) {
      const from = c * cols.rows;
      const into = c * CHUNK_ROWS;
      this.strings.set(
        cols.strings.subarray(
          (from + start) * STRING_ENTRY_BYTES,
          (from + end) * STRING_ENTRY_BYTES,
        ),
        (into + to) * STRING_ENTRY_BYTES,
      );
      this.stringSet.set(cols.stringSet.subarray(from + start, from + end), into + to);
    }
    const refs = cols.longRefs;
    // References are in row order: find the first of this run's rows by bisection.
    let lo = 0;
    let hi = refs.length / 4;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (refs[mid * 4 + 1]! < start) lo = mid + 1;
      else hi = mid;
    }
    let last = lo * 4;
    let blobStart = cols.heap.length;
    let blobEnd = 0;
    for (; last < refs.length && refs[last + 1]! < end; last += 4) {
      if (refs[last + 2]! < blobStart) blobStart = refs[last + 2]!;
      if (refs[last + 3]! > blobEnd) blobEnd = refs[last + 3]!;
    }
    if (last > lo * 4) {
      const blob = this.blobs.length;
      this.blobs.push(cols.heap.subarray(blobStart, blobEnd));
      const entries = this.entries;
      const strings = this.strings;
      const heap = cols.heap;
      for (let i = lo * 4; i < last; i += 4) {
        const at = (refs[i]! * CHUNK_ROWS + to + refs[i + 1]! - start) * STRING_ENTRY_BYTES;
        const from = refs[i + 2]!;
        // The length and the first four bytes now, the pointer once DuckDB holds the blob.
        entries.setUint32(at, refs[i + 3]! - from, true);
        // Byte by byte: a subarray a string to copy four bytes was most of this function's time.
        // (A long string has more than 12 bytes, checked on arrival: all four are its own.)
        strings[at + 4] = heap[from]!;
        strings[at + 5] = heap[from + 1]!;
        strings[at + 6] = heap[from + 2]!;
        strings[at + 7] = heap[from + 3]!;
        const k = this.longCount++ * 3;
        this.longs[k] = at;
        this.longs[k + 1] = blob;
        this.longs[k + 2] = from - blobStart;
      }
    }
    this.rows += n;
  }

  /**
   * One data chunk per table shape (`spans`, or `parked_spans` with its extra column), reset and
   * refilled by each flush: the appender copies a chunk's values, strings included, into its own
   * collection, so the chunk is free again once appended. A chunk per flush was ~1 MB of vectors
   * that V8 does not count and freed only when the collector finalized its wrapper. The column
   * types are read from the appender only to create one.
   */
  private readonly dataChunks = new Map<number, DuckDBDataChunk>();

  private dataChunk(appender: DuckDBAppender, n: number) {
    const columns = appender.columnCount;
    let chunk = this.dataChunks.get(columns);
    if (chunk) chunk.reset();
    else {
      const types = Array.from({ length: columns }, (_, i) => appender.columnType(i));
      chunk = DuckDBDataChunk.create(types);
      this.dataChunks.set(columns, chunk);
    }
    chunk.rowCount = n;
    return chunk;
  }

  /** Appends the gathered rows as one data chunk and starts over; returns how many. */
  flush(appender: DuckDBAppender): number {
    const n = this.rows;
    const chunk = this.dataChunk(appender, n);
    const vector = (column: number) => duckdb.data_chunk_get_vector(chunk.chunk, column);
    const copy = (column: number, values: ArrayBufferView, width: number, set?: Uint8Array) => {
      const v = vector(column);
      duckdb.copy_data_to_vector(v, 0, values.buffer as ArrayBuffer, values.byteOffset, n * width);
      if (set) this.setValidity(v, set, n);
    };
    copy(5, this.kind, 1);
    copy(6, this.startNs, 8);
    copy(7, this.endNs, 8);
    copy(8, this.durationNs, 8);
    copy(9, this.statusCode, 1);
    copy(18, this.inputTokens, 8, this.inputTokensSet);
    copy(19, this.outputTokens, 8, this.outputTokensSet);
    copy(22, this.isRun, 1);
    copy(29, this.isLlm, 1);
    copy(30, this.isTool, 1);
    copy(31, this.traceKey, 8);
    copy(32, this.tenantKey, 8);
    if (this.parkedNs) copy(SPAN_COLUMN_COUNT, this.parkedNs, 8);
    if (this.blobs.length > 0) this.pointLongStrings(vector(STRING_COLUMNS[0]!.column));
    for (let c = 0; c < SC; c++) {
      const v = vector(STRING_COLUMNS[c]!.column);
      const base = c * CHUNK_ROWS;
      duckdb.copy_data_to_vector(
        v,
        0,
        this.strings.buffer as ArrayBuffer,
        base * STRING_ENTRY_BYTES,
        n * STRING_ENTRY_BYTES,
      );
      const set = this.stringSet.subarray(base, base + n);
      if (set.indexOf(0) >= 0) this.setValidity(v, set, n);
    }
    appender.appendDataChunk(chunk);
    // Every entry below the next chunk's row count is written by its add(): nothing to clear.
    this.rows = 0;
    this.blobs = [];
    this.longCount = 0;
    return n;
  }

  /**
   * Hands each blob to DuckDB in one call (assigned to a row of `scratch`, whose entries are all
   * written over afterwards) and points every long string's entry into its blob's copy, which
   * lives in the vector's string heap until the chunk is appended: one call per run of rows
   * instead of one per long string (about 8 a span), which took most of the appends' time.
   */
  private pointLongStrings(scratch: duckdb.Vector): void {
    const blobs = this.blobs;
    for (let b = 0; b < blobs.length; b++)
      duckdb.vector_assign_string_element_len(scratch, b, blobs[b]!);
    const copied = duckdb.vector_get_data(scratch, blobs.length * STRING_ENTRY_BYTES);
    const pointers = new DataView(copied.buffer, copied.byteOffset, copied.byteLength);
    const entries = this.entries;
    const longs = this.longs;
    for (let i = 0; i < this.longCount * 3; i += 3) {
      const at = longs[i]!;
      const blob = longs[i + 1]! * STRING_ENTRY_BYTES;
      // A 64-bit pointer plus the offset, as two 32-bit halves (no BigInt per string).
      const low = pointers.getUint32(blob + 8, true) + longs[i + 2]!;
      const carry = low >= 2 ** 32 ? 1 : 0;
      entries.setUint32(at + 8, carry ? low - 2 ** 32 : low, true);
      entries.setUint32(at + 12, pointers.getUint32(blob + 12, true) + carry, true);
    }
  }

  private setValidity(v: duckdb.Vector, set: Uint8Array, n: number): void {
    const bits = this.validity;
    bits.fill(0);
    for (let r = 0; r < n; r++) if (set[r] === 1) bits[r >> 3] = bits[r >> 3]! | (1 << (r & 7));
    duckdb.vector_ensure_validity_writable(v);
    duckdb.copy_data_to_vector_validity(v, 0, bits.buffer, 0, Math.ceil(n / 64) * 8);
  }
}
