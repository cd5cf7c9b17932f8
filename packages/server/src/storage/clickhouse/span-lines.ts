import type { SpanRow } from '../types.js';
import { spanFields, tsvString } from './tsv.js';

/**
 * A request's spans as the lines of ClickHouse's `spans` insert, encoded by an ingest worker
 * (ingest/ingest-worker.ts) so that the event loop neither receives span rows (a structured clone
 * of every attribute object: 3.8 µs a span) nor encodes them (3.3 µs): it gets the bytes, moved
 * and not copied, and only what it still decides per span: the key the duplicate look-up needs.
 *
 * Line `i` is `bytes[ends[i - 1] ?? 0, ends[i])`: the fields of tsv.ts's spanFields (SPAN_COLUMNS
 * order) and its '\n'. `tenantIds` is filled on the event loop from the partitions it admitted
 * (a partition is one tenant), so a worker never states a line's tenant twice.
 */
export interface SpanLines {
  rows: number;
  bytes: Uint8Array;
  ends: Uint32Array;
  traceIds: string[];
  spanIds: string[];
  startNs: BigInt64Array;
  tenantIds: string[];
}

/** What a worker sends: the lines without their tenants. */
export type EncodedSpanLines = Omit<SpanLines, 'tenantIds'>;

/** `rows` as lines; each row's tenant is the partition's, given again by the event loop. */
export function encodeSpanLines(rows: readonly SpanRow[]): EncodedSpanLines {
  const n = rows.length;
  const ends = new Uint32Array(n);
  const startNs = new BigInt64Array(n);
  const traceIds = new Array<string>(n);
  const spanIds = new Array<string>(n);
  let text = '';
  for (let i = 0; i < n; i++) {
    const s = rows[i]!;
    text += `${spanFields(s)}\n`;
    ends[i] = text.length;
    startNs[i] = s.startTimeUnixNano;
    traceIds[i] = s.traceId;
    spanIds[i] = s.spanId;
  }
  const utf8 = Buffer.from(text, 'utf8');
  // A small string's Buffer is a slice of Node's shared pool: moving it would move the pool.
  const bytes =
    utf8.byteOffset === 0 && utf8.byteLength === utf8.buffer.byteLength
      ? new Uint8Array(utf8.buffer, 0, utf8.byteLength)
      : new Uint8Array(utf8);
  // As many bytes as UTF-16 units only when every character is ASCII (one byte each; anything
  // else takes two to four): then the string offsets are the byte offsets. Otherwise line by
  // line (a line ends in '\n', so no surrogate pair spans two).
  if (bytes.length !== text.length) {
    let at = 0;
    let from = 0;
    for (let i = 0; i < n; i++) {
      const to = ends[i]!;
      at += Buffer.byteLength(text.slice(from, to), 'utf8');
      ends[i] = at;
      from = to;
    }
  }
  return { rows: n, bytes, ends, traceIds, spanIds, startNs };
}

/** The buffers a message moves with these lines (each is its own ArrayBuffer). */
export function spanLineBuffers(lines: EncodedSpanLines): ArrayBuffer[] {
  return [lines.bytes, lines.ends, lines.startNs].map((a) => a.buffer as ArrayBuffer);
}

/**
 * Checks lines that crossed a thread boundary before their bytes reach ClickHouse: types, one
 * key and start per line, line ends in order within the bytes, each line ending in '\n' (so one
 * malformed line cannot run into the next). Returns the reason they are unusable, or null.
 */
export function validateSpanLines(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const l = value as Record<string, unknown>;
  const n = l.rows;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return 'rows is not a count';
  if (!(l.bytes instanceof Uint8Array)) return 'bytes is not a Uint8Array';
  if (!(l.ends instanceof Uint32Array) || l.ends.length !== n) return `ends is not ${n} offsets`;
  if (!(l.startNs instanceof BigInt64Array) || l.startNs.length !== n)
    return `startNs is not ${n} times`;
  for (const k of ['traceIds', 'spanIds'] as const) {
    const ids = l[k];
    if (!Array.isArray(ids) || ids.length !== n) return `${k} is not ${n} ids`;
    for (const id of ids) if (typeof id !== 'string') return `${k} holds a non-string`;
  }
  const { bytes, ends } = l as { bytes: Uint8Array; ends: Uint32Array };
  let from = 0;
  for (let i = 0; i < n; i++) {
    const end = ends[i]!;
    if (end <= from || end > bytes.length || bytes[end - 1] !== 0x0a) return 'a line is malformed';
    from = end;
  }
  if (from !== bytes.length) return 'bytes past the last line';
  return null;
}

/**
 * Checks, before the lines are given their tenants, that `tenants` (`[tenant, start, end)` per
 * partition) are in order, do not overlap and cover every line, and that each line begins with its
 * partition's tenant, then the trace and span ids the duplicate look-up was given: what is stored
 * is then what was admitted and deduplicated, whatever a worker sent. Returns the reason, or null.
 */
export function validateLineKeys(
  lines: EncodedSpanLines,
  tenants: ReadonlyArray<readonly [string, number, number]>,
): string | null {
  let next = 0;
  for (const [tenant, start, end] of [...tenants].sort((a, b) => a[1] - b[1])) {
    if (start !== next) return 'partitions do not cover the lines one after another';
    const prefix = Buffer.from(`${tsvString(tenant)}\t`);
    for (let i = start; i < end; i++) {
      let at = i === 0 ? 0 : lines.ends[i - 1]!;
      if (!startsWith(lines.bytes, at, prefix)) return `line ${i} is not its partition's tenant's`;
      at += prefix.length;
      at = fieldAt(lines.bytes, at, lines.traceIds[i]!);
      if (at < 0) return `line ${i} does not hold its trace id`;
      if (fieldAt(lines.bytes, at, lines.spanIds[i]!) < 0)
        return `line ${i} does not hold its span id`;
    }
    next = end;
  }
  return next === lines.rows ? null : 'lines outside every partition';
}

function startsWith(bytes: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (at + prefix.length > bytes.length) return false;
  for (let k = 0; k < prefix.length; k++) if (bytes[at + k] !== prefix[k]) return false;
  return true;
}

/** Where the field after `value` and its tab starts, or -1; ids are ASCII (hex) in practice. */
function fieldAt(bytes: Uint8Array, at: number, value: string): number {
  const field = tsvString(value);
  for (let k = 0; k < field.length; k++) {
    const c = field.charCodeAt(k);
    if (c >= 0x80)
      return startsWith(bytes, at, Buffer.from(`${field}\t`))
        ? at + Buffer.byteLength(field) + 1
        : -1;
    if (bytes[at + k] !== c) return -1;
  }
  return bytes[at + field.length] === 0x09 ? at + field.length + 1 : -1;
}

/** The lines with each line's tenant: `tenants` gives `[tenant, start, end)` per partition. */
export function withTenants(
  lines: EncodedSpanLines,
  tenants: ReadonlyArray<readonly [string, number, number]>,
): SpanLines {
  const tenantIds = new Array<string>(lines.rows);
  for (const [tenant, start, end] of tenants) tenantIds.fill(tenant, start, end);
  return { ...lines, tenantIds };
}

/** Only the lines `keep` marks (1), copied into arrays of their own. */
export function selectSpanLines(lines: SpanLines, keep: Uint8Array): SpanLines {
  let rows = 0;
  let size = 0;
  for (let i = 0; i < lines.rows; i++) {
    if (keep[i] !== 1) continue;
    rows++;
    size += lines.ends[i]! - lineStart(lines, i);
  }
  const out: SpanLines = {
    rows,
    bytes: new Uint8Array(size),
    ends: new Uint32Array(rows),
    traceIds: [],
    spanIds: [],
    startNs: new BigInt64Array(rows),
    tenantIds: [],
  };
  let at = 0;
  let j = 0;
  for (let i = 0; i < lines.rows; i++) {
    if (keep[i] !== 1) continue;
    const line = lines.bytes.subarray(lineStart(lines, i), lines.ends[i]);
    out.bytes.set(line, at);
    at += line.length;
    out.ends[j] = at;
    out.startNs[j] = lines.startNs[i]!;
    out.traceIds.push(lines.traceIds[i]!);
    out.spanIds.push(lines.spanIds[i]!);
    out.tenantIds.push(lines.tenantIds[i]!);
    j++;
  }
  return out;
}

export const lineStart = (lines: EncodedSpanLines, i: number): number =>
  i === 0 ? 0 : lines.ends[i - 1]!;
