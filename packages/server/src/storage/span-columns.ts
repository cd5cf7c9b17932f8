import { isLlmSpan, isToolSpan } from './classify.js';
import { spanFingerprint, spanFingerprintPrefix } from './duckdb/fingerprint-set.js';
import { tenantKey, traceKey } from './duckdb/rows.js';
import { attrsToJson, eventsToJson, linksToJson, resourceToJson } from './json.js';
import { JSON_NO_ROOM, writeAttributesJson } from './json-utf8.js';
import type { SpanRow } from './types.js';

/**
 * Span rows as typed arrays, built by an ingest worker (ingest/ingest-worker.ts) and moved to the
 * event loop without a copy (their buffers are transferred). The embedded DuckDB appends them a
 * vector at a time (duckdb/column-append.ts): one call per column per 2,048 rows instead of one
 * per value, which took most of the event loop's time per span (docs/scaling.md).
 *
 * Strings are laid out as DuckDB's `duckdb_string_t` (16 bytes: a 32-bit length, then up to 12
 * bytes inline); a longer string has a zero entry here and its UTF-8 bytes in `heap`, referenced
 * from `longRefs`. `validateSpanColumns` checks all of it before a byte reaches DuckDB.
 */
export interface SpanColumns {
  rows: number;
  kind: Int8Array;
  statusCode: Int8Array;
  startNs: BigInt64Array;
  endNs: BigInt64Array;
  durationNs: BigInt64Array;
  inputTokens: BigInt64Array;
  outputTokens: BigInt64Array;
  /** 1 where the count is set (the column is nullable). */
  inputTokensSet: Uint8Array;
  outputTokensSet: Uint8Array;
  isRun: Uint8Array;
  isLlm: Uint8Array;
  isTool: Uint8Array;
  traceKey: BigUint64Array;
  tenantKey: BigUint64Array;
  /** STRING_COLUMNS.length × rows entries of 16 bytes, column after column. */
  strings: Uint8Array;
  /** STRING_COLUMNS.length × rows: 1 where the string is set (not NULL). */
  stringSet: Uint8Array;
  /** (string column, row, start, end) in `heap`, for each string longer than 12 bytes. */
  longRefs: Int32Array;
  heap: Uint8Array;
  /** Two 32-bit hashes per row of (tenant, trace id, span id): RecentSpanKeys' fingerprints. */
  fingerprints: Int32Array;
}

/** The string columns, by their place among the spans table's columns (duckdb/schema.ts). */
export const STRING_COLUMNS: ReadonlyArray<{ column: number; of: (s: SpanRow) => string | null }> =
  [
    { column: 0, of: (s) => s.tenantId },
    { column: 1, of: (s) => s.traceId },
    { column: 2, of: (s) => s.spanId },
    { column: 3, of: (s) => s.parentSpanId },
    { column: 4, of: (s) => s.name },
    { column: 10, of: (s) => s.statusMessage },
    { column: 11, of: (s) => s.serviceName },
    { column: 12, of: (s) => s.scopeName },
    { column: 13, of: (s) => s.agentId },
    { column: 14, of: (s) => s.agentName },
    { column: 15, of: (s) => s.operation },
    { column: 16, of: (s) => s.model },
    { column: 17, of: (s) => s.provider },
    { column: 20, of: (s) => s.toolName },
    { column: 21, of: (s) => s.errorType },
    { column: 23, of: (s) => s.userId },
    { column: 24, of: (s) => s.conversationId },
    { column: 25, of: (s) => attrsToJson(s.attributes) },
    { column: 26, of: (s) => resourceToJson(s.resourceAttributes) },
    { column: 27, of: (s) => eventsToJson(s.events) },
    { column: 28, of: (s) => linksToJson(s.links) },
  ];

/**
 * A row's string values in STRING_COLUMNS' order, into `out`: one call per row where calling each
 * column's `of` was 21 calls through one call site too varied for V8 to inline.
 */
function stringsOf(s: SpanRow, out: Array<string | null>): void {
  out[0] = s.tenantId;
  out[1] = s.traceId;
  out[2] = s.spanId;
  out[3] = s.parentSpanId;
  out[4] = s.name;
  out[5] = s.statusMessage;
  out[6] = s.serviceName;
  out[7] = s.scopeName;
  out[8] = s.agentId;
  out[9] = s.agentName;
  out[10] = s.operation;
  out[11] = s.model;
  out[12] = s.provider;
  out[13] = s.toolName;
  out[14] = s.errorType;
  out[15] = s.userId;
  out[16] = s.conversationId;
  // Attributes (17) are written as JSON bytes by encodeSpanColumns itself.
  out[17] = null;
  out[18] = resourceToJson(s.resourceAttributes);
  out[19] = eventsToJson(s.events);
  out[20] = linksToJson(s.links);
}

export const STRING_ENTRY_BYTES = 16;
export const INLINE_STRING_BYTES = 12;
/** The spans table's columns (duckdb/schema.ts SPAN_COLUMNS): checked before appending. */
export const SPAN_COLUMN_COUNT = 33;

/**
 * Encodes span rows (built as live ingest and replay build them) into columns. With `tenantLater`
 * (spans waiting for their trace's tenant: pending-span-columns.ts) each fingerprint stops short of
 * the tenant, for the event loop to finish once it knows it.
 */
export function encodeSpanColumns(
  spans: readonly SpanRow[],
  options: { tenantLater?: boolean } = {},
): SpanColumns {
  const tenantLater = options.tenantLater === true;
  const n = spans.length;
  const sc = STRING_COLUMNS.length;
  const cols: SpanColumns = {
    rows: n,
    kind: new Int8Array(n),
    statusCode: new Int8Array(n),
    startNs: new BigInt64Array(n),
    endNs: new BigInt64Array(n),
    durationNs: new BigInt64Array(n),
    inputTokens: new BigInt64Array(n),
    outputTokens: new BigInt64Array(n),
    inputTokensSet: new Uint8Array(n),
    outputTokensSet: new Uint8Array(n),
    isRun: new Uint8Array(n),
    isLlm: new Uint8Array(n),
    isTool: new Uint8Array(n),
    traceKey: new BigUint64Array(n),
    tenantKey: new BigUint64Array(n),
    strings: new Uint8Array(sc * n * STRING_ENTRY_BYTES),
    stringSet: new Uint8Array(sc * n),
    longRefs: new Int32Array(0),
    heap: new Uint8Array(0),
    fingerprints: new Int32Array(n * 2),
  };
  const entries = Buffer.from(cols.strings.buffer);
  const view = new DataView(cols.strings.buffer);
  let heap = Buffer.allocUnsafe(Math.max(1024, n * 512));
  let heapUsed = 0;
  // Typed and preallocated: pushing four numbers a long string onto an array was a third of this
  // function's own time (about 7 long strings a span).
  let refs = new Int32Array(n * 8 * 4);
  let refCount = 0;
  const scratch = Buffer.allocUnsafe(INLINE_STRING_BYTES * 3);
  const values: Array<string | null> = new Array(sc).fill(null);
  // Each column's last long string and its bytes: a row repeating it (a resource's JSON, a scope's
  // or span's name, its trace's id) refers to the same bytes instead of copying them again.
  // Only within SHARE_ROWS rows of where the bytes were written: DuckDB takes a run of rows' long
  // strings as one range of the heap (duckdb/column-append.ts), which a reference far back in a
  // large request would stretch over most of it for every chunk.
  const lastLong: Array<string | null> = new Array(sc).fill(null);
  const lastRange = new Int32Array(sc * 2);
  const lastRow = new Int32Array(sc);
  for (let r = 0; r < n; r++) {
    const s = spans[r]!;
    stringsOf(s, values);
    cols.kind[r] = s.kind;
    cols.statusCode[r] = s.statusCode;
    cols.startNs[r] = s.startTimeUnixNano;
    cols.endNs[r] = s.endTimeUnixNano;
    cols.durationNs[r] = s.durationNs;
    if (s.inputTokens !== null) {
      cols.inputTokens[r] = BigInt(Math.trunc(s.inputTokens));
      cols.inputTokensSet[r] = 1;
    }
    if (s.outputTokens !== null) {
      cols.outputTokens[r] = BigInt(Math.trunc(s.outputTokens));
      cols.outputTokensSet[r] = 1;
    }
    cols.isRun[r] = s.isRun ? 1 : 0;
    cols.isLlm[r] = isLlmSpan(s) ? 1 : 0;
    cols.isTool[r] = isToolSpan(s) ? 1 : 0;
    cols.traceKey[r] = traceKey(s.traceId);
    cols.tenantKey[r] = tenantKey(s.tenantId);
    const [hi, lo] = tenantLater
      ? spanFingerprintPrefix(s.traceId, s.spanId)
      : spanFingerprint(s.tenantId, s.traceId, s.spanId);
    cols.fingerprints[r * 2] = hi;
    cols.fingerprints[r * 2 + 1] = lo;
    for (let c = 0; c < sc; c++) {
      let value = values[c] ?? null;
      if (c === ATTRIBUTES) {
        const slot = c * n + r;
        cols.stringSet[slot] = 1;
        let written = writeAttributesJson(s.attributes, heap, heapUsed);
        while (written === JSON_NO_ROOM) {
          heap = grownHeap(heap, heapUsed, heap.length);
          written = writeAttributesJson(s.attributes, heap, heapUsed);
        }
        if (written >= 0 && written <= INLINE_STRING_BYTES) {
          const at = slot * STRING_ENTRY_BYTES;
          view.setUint32(at, written, true);
          heap.copy(entries, at + 4, heapUsed, heapUsed + written);
          continue;
        }
        if (written >= 0) {
          if (refCount + 4 > refs.length) refs = grownRefs(refs);
          refs[refCount++] = c;
          refs[refCount++] = r;
          refs[refCount++] = heapUsed;
          refs[refCount++] = heapUsed + written;
          heapUsed += written;
          continue;
        }
        value = attrsToJson(s.attributes);
      }
      if (value === null) continue;
      const slot = c * n + r;
      cols.stringSet[slot] = 1;
      if (value.length <= INLINE_STRING_BYTES) {
        const at = slot * STRING_ENTRY_BYTES;
        if (writeAsciiInline(value, cols.strings, at)) continue;
        const bytes = scratch.write(value, 0, 'utf8');
        if (bytes <= INLINE_STRING_BYTES) {
          view.setUint32(at, bytes, true);
          scratch.copy(entries, at + 4, 0, bytes);
          continue;
        }
      }
      if (refCount + 4 > refs.length) refs = grownRefs(refs);
      if (value === lastLong[c] && r - lastRow[c]! < SHARE_ROWS) {
        refs[refCount++] = c;
        refs[refCount++] = r;
        refs[refCount++] = lastRange[c * 2]!;
        refs[refCount++] = lastRange[c * 2 + 1]!;
        continue;
      }
      // UTF-8 takes at most 3 bytes per UTF-16 unit.
      if (heapUsed + value.length * 3 > heap.length)
        heap = grownHeap(heap, heapUsed, heapUsed + value.length * 3);
      // Most long strings (ids, names, most JSON) are ASCII up to a few dozen characters: copied
      // by code units, which costs less than a Buffer call each.
      const written =
        value.length <= ASCII_COPY_MAX && copyAscii(value, heap, heapUsed)
          ? value.length
          : heap.write(value, heapUsed, 'utf8');
      refs[refCount++] = c;
      refs[refCount++] = r;
      refs[refCount++] = heapUsed;
      refs[refCount++] = heapUsed + written;
      lastLong[c] = value;
      lastRange[c * 2] = heapUsed;
      lastRange[c * 2 + 1] = heapUsed + written;
      lastRow[c] = r;
      heapUsed += written;
    }
  }
  cols.longRefs = refs.slice(0, refCount);
  // A copy of its own: the heap's pool buffer must not travel with it.
  cols.heap = new Uint8Array(heapUsed);
  cols.heap.set(heap.subarray(0, heapUsed));
  return cols;
}

/** The attributes' place in a row's string values (stringsOf). */
const ATTRIBUTES = 17;

/** A heap of at least `need` bytes (and twice the old size) holding the old one's `used` bytes. */
function grownHeap(heap: Buffer, used: number, need: number): Buffer<ArrayBuffer> {
  const grown = Buffer.allocUnsafe(Math.max(heap.length * 2, need));
  heap.copy(grown, 0, 0, used);
  return grown;
}

function grownRefs(refs: Int32Array): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(refs.length * 2 + 64);
  grown.set(refs);
  return grown;
}

/**
 * Writes a short ASCII string as an inline entry at `at` (length, then bytes), or returns false
 * if it holds another character: most short values (tenant ids, models, tool names, '[]') are
 * ASCII, and this skips two Buffer calls for each.
 */
function writeAsciiInline(value: string, into: Uint8Array, at: number): boolean {
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) {
      into.fill(0, at + 4, at + 4 + i);
      return false;
    }
    into[at + 4 + i] = c;
  }
  into[at] = n;
  return true;
}

/** How far back (in rows) a repeated long string may share the bytes written for an earlier row. */
const SHARE_ROWS = 512;

/** Longest string copied by `copyAscii`; past it, Buffer.write's native copy costs less. */
const ASCII_COPY_MAX = 96;

/** Copies an ASCII string's code units to `into` at `at`; false (bytes left unspecified) if not ASCII. */
function copyAscii(value: string, into: Uint8Array, at: number): boolean {
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return false;
    into[at + i] = c;
  }
  return true;
}
