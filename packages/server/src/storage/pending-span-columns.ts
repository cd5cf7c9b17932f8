import { finishSpanFingerprint } from './duckdb/fingerprint-set.js';
import { tenantKey } from './duckdb/rows.js';
import {
  encodeSpanColumns,
  INLINE_STRING_BYTES,
  type SpanColumns,
  STRING_ENTRY_BYTES,
} from './span-columns.js';
import { selectSpanColumns, sliceSpanColumns } from './span-columns-select.js';
import { spanColumnBuffers, validateSpanColumns } from './span-columns-transfer.js';
import type { SpanRow } from './types.js';

/**
 * Spans waiting for their trace's tenant (ingest/tenant.ts TRACE_TENANT_PENDING) as span columns
 * an ingest worker encoded, with the tenant left to fill in: the event loop learns it from the
 * trace's claim in the writer's transaction (duckdb/trace-tenants.ts), then adopts the rows into
 * the spans table or parks them as they are. As rows, these spans cost a structured clone each
 * way between the threads (about 2.3 µs a span to serialize, 3 to deserialize) and an encoding
 * on the event loop, which made the tenant-on-roots-only workload 26.4 µs a span against 17.9.
 */
export interface PendingSpanColumns {
  /**
   * Tenant '' in every row (inline, empty; `tenantKey` of ''), as parked spans are stored, and
   * each fingerprint up to the tenant (duckdb/fingerprint-set.ts spanFingerprintPrefix).
   */
  cols: SpanColumns;
  /** The rows' distinct trace ids: what the claims decide. */
  traceIds: string[];
  /** Per row, its trace's index in `traceIds`. */
  traceOf: Int32Array;
}

/** Encodes pending span rows (tenant '') as built by the row builders. */
export function encodePendingSpanColumns(spans: readonly SpanRow[]): PendingSpanColumns {
  const cols = encodeSpanColumns(spans, { tenantLater: true });
  const traceIds: string[] = [];
  const index = new Map<string, number>();
  const traceOf = new Int32Array(spans.length);
  let last: string | null = null;
  let lastIndex = 0;
  for (let r = 0; r < spans.length; r++) {
    const t = spans[r]!.traceId;
    if (t !== last) {
      let i = index.get(t);
      if (i === undefined) {
        i = traceIds.length;
        traceIds.push(t);
        index.set(t, i);
      }
      last = t;
      lastIndex = i;
    }
    traceOf[r] = lastIndex;
  }
  return { cols, traceIds, traceOf };
}

/** The buffers to transfer with a message holding these columns. */
export function pendingSpanColumnBuffers(p: PendingSpanColumns): ArrayBuffer[] {
  const out = spanColumnBuffers(p.cols);
  if (p.traceOf.buffer instanceof ArrayBuffer && !out.includes(p.traceOf.buffer))
    out.push(p.traceOf.buffer);
  return out;
}

/**
 * Checks pending columns that crossed a thread boundary (validateSpanColumns, and the trace of
 * each row); the tenant of every row must be empty and inline, since adoption writes the entry
 * and a long reference left there would be copied over it. Returns the reason, or null.
 */
export function validatePendingSpanColumns(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const p = value as Record<string, unknown>;
  const bad = validateSpanColumns(p.cols);
  if (bad !== null) return bad;
  const cols = p.cols as SpanColumns;
  const ids = p.traceIds;
  if (!Array.isArray(ids) || ids.some((t) => typeof t !== 'string')) return 'bad trace ids';
  const traceOf = p.traceOf;
  if (!(traceOf instanceof Int32Array) || traceOf.length !== cols.rows) return 'bad traceOf';
  for (let r = 0; r < traceOf.length; r++)
    if (traceOf[r]! < 0 || traceOf[r]! >= ids.length) return 'a row without its trace';
  // The tenant is string column 0: its entries come first, one a row.
  for (let at = 0; at < cols.rows * STRING_ENTRY_BYTES; at++)
    if (cols.strings[at] !== 0) return 'a pending row has a tenant';
  for (let i = 0; i < cols.longRefs.length; i += 4)
    if (cols.longRefs[i] === 0) return 'a pending row has a tenant';
  return null;
}

/** Rows per piece of adopted columns when a tenant id is a long string (see `adoptSpanColumns`). */
const PIECE_ROWS = 2048;

/**
 * The rows whose trace has a tenant now (`tenantOf`, by trace index), as span columns of that
 * tenant: the tenant's entry and key written and each fingerprint finished, the same values as
 * encoding the adopted rows (column-append.test.ts); and the flags of the rows still waiting.
 * `pending` is left as it was: a transaction that fails is retried with it.
 */
export function adoptSpanColumns(
  pending: PendingSpanColumns,
  tenantOf: ReadonlyArray<string | undefined>,
): { adopted: SpanColumns[]; waiting: Uint8Array; waitingRows: number } {
  const { cols, traceOf } = pending;
  const n = cols.rows;
  const waiting = new Uint8Array(n);
  const keep = new Uint8Array(n);
  let waitingRows = 0;
  for (let r = 0; r < n; r++) {
    if (tenantOf[traceOf[r]!] === undefined) {
      waiting[r] = 1;
      waitingRows++;
    } else keep[r] = 1;
  }
  if (waitingRows === n) return { adopted: [], waiting, waitingRows };
  const out = selectSpanColumns(cols, keep);
  const tenants: Tenant[] = [];
  const seen = new Map<string, Tenant>();
  let last: Tenant | null = null;
  let anyLong = false;
  let row = 0;
  for (let r = 0; r < n; r++) {
    if (keep[r] !== 1) continue;
    const id = tenantOf[traceOf[r]!]!;
    if (last === null || last.id !== id) {
      last = seen.get(id) ?? describeTenant(id, seen);
      anyLong ||= last.long;
    }
    tenants.push(last);
    if (!last.long) {
      const at = row * STRING_ENTRY_BYTES;
      out.strings[at] = last.bytes.length;
      out.strings.set(last.bytes, at + 4);
    }
    out.tenantKey[row] = last.key;
    const [hi, lo] = finishSpanFingerprint(
      out.fingerprints[row * 2]!,
      out.fingerprints[row * 2 + 1]!,
      id,
    );
    out.fingerprints[row * 2] = hi;
    out.fingerprints[row * 2 + 1] = lo;
    row++;
  }
  if (!anyLong) return { adopted: [out], waiting, waitingRows };
  const adopted: SpanColumns[] = [];
  for (let at = 0; at < out.rows; at += PIECE_ROWS) {
    const end = Math.min(out.rows, at + PIECE_ROWS);
    adopted.push(withLongTenants(sliceSpanColumns(out, at, end), tenants.slice(at, end)));
  }
  return { adopted, waiting, waitingRows };
}

interface Tenant {
  id: string;
  bytes: Uint8Array;
  long: boolean;
  key: bigint;
}

function describeTenant(id: string, seen: Map<string, Tenant>): Tenant {
  const bytes = Buffer.from(id, 'utf8');
  const t = { id, bytes, long: bytes.length > INLINE_STRING_BYTES, key: tenantKey(id) };
  seen.set(id, t);
  return t;
}

/**
 * A piece of adopted columns with its long tenant ids referenced: its own heap, the piece's range
 * of the request's heap followed by each long tenant id once. Appended at the end of the request's
 * whole heap instead, every data chunk's range of it (column-append.ts takes a run's long strings
 * as one range) would stretch to the end: over most of a large request for every chunk.
 */
function withLongTenants(piece: SpanColumns, tenants: Tenant[]): SpanColumns {
  const refs = piece.longRefs;
  let from = piece.heap.length;
  let to = 0;
  for (let i = 0; i < refs.length; i += 4) {
    if (refs[i + 2]! < from) from = refs[i + 2]!;
    if (refs[i + 3]! > to) to = refs[i + 3]!;
  }
  if (to < from) from = to = 0;
  const placed = new Map<Tenant, number>();
  let size = to - from;
  let longRows = 0;
  for (const t of tenants) {
    if (!t.long) continue;
    longRows++;
    if (!placed.has(t)) {
      placed.set(t, size);
      size += t.bytes.length;
    }
  }
  const heap = new Uint8Array(size);
  heap.set(piece.heap.subarray(from, to));
  for (const [t, at] of placed) heap.set(t.bytes, at);
  const out = new Int32Array(refs.length + longRows * 4);
  let k = 0;
  let i = 0;
  for (let r = 0; r < piece.rows; r++) {
    const t = tenants[r]!;
    if (t.long) {
      const at = placed.get(t)!;
      out[k++] = 0;
      out[k++] = r;
      out[k++] = at;
      out[k++] = at + t.bytes.length;
    }
    for (; i < refs.length && refs[i + 1] === r; i += 4) {
      out[k++] = refs[i]!;
      out[k++] = r;
      out[k++] = refs[i + 2]! - from;
      out[k++] = refs[i + 3]! - from;
    }
  }
  return { ...piece, heap, longRefs: out };
}
