import { scoresOfLogs, scoreToColumns } from '../score-columns.js';
import type { SpanRow, WriteBatch, WriteResult } from '../types.js';
import type { ChConnection } from './client.js';
import { logToRow, metricToRow } from './rows.js';
import { freshSpans, type SpanKey } from './span-keys.js';
import { lineStart, type SpanLines } from './span-lines.js';
import { applyTraceTenants, wallClockNs } from './trace-tenants.js';
import { SPAN_COLUMNS, spanFields, tsvChunks } from './tsv.js';

/**
 * Writes one batch; resolves only after ClickHouse answered each insert, which is what lets ingest
 * acknowledge. Spans are idempotent on (tenant, trace, span): duplicates inside the batch (first
 * wins) and spans already stored are skipped and counted. Claims and parked spans
 * (trace-tenants.ts) are inserted before the spans, so an acknowledged parked span is stored.
 */
export async function writeBatch(
  ch: ChConnection,
  batch: WriteBatch,
  nowNs: () => bigint = wallClockNs,
): Promise<WriteResult> {
  const result: WriteResult = {
    spansWritten: 0,
    spansDuplicate: 0,
    logsWritten: 0,
    metricsWritten: 0,
  };
  // Span columns are the embedded DuckDB's (the server gives this engine rows): never drop them.
  if (batch.spanColumns?.length || batch.pendingSpanColumns?.length)
    throw new Error('ClickHouse takes span rows, not span columns');
  let spans: Array<SpanRow | LineRef> = batch.spans;
  if (batch.spanLines?.length) spans = [...batch.spans, ...lineRefs(batch.spanLines)];
  let tenantsOf: ((s: SpanRow | LineRef) => readonly string[]) | undefined;
  let fromPark = new Set<SpanRow | LineRef>();
  if (batch.traceClaims?.length || batch.pendingSpans?.length) {
    const settled = await applyTraceTenants(ch, batch, nowNs());
    result.spansParked = settled.parked;
    if (settled.adopted.size > 0) {
      // The batch's own spans first: a pending span and its parked copy are one span, sent now.
      spans = [...spans, ...settled.adopted.keys()];
      tenantsOf = (s) => (s instanceof LineRef ? null : settled.adopted.get(s)) ?? [s.tenantId];
      fromPark = settled.fromPark;
    }
  }
  if (spans.length > 0) {
    const fresh = await freshSpans(ch, spans, tenantsOf);
    await ch.insertTsv('spans', SPAN_COLUMNS, spanChunks(fresh));
    const freshSent = fresh.filter((s) => !fromPark.has(s)).length;
    result.spansWritten = fresh.length;
    result.spansDuplicate = spans.length - fromPark.size - freshSent;
  }
  if (batch.logs.length > 0) {
    await ch.insert('logs', batch.logs.map(logToRow));
    result.logsWritten = batch.logs.length;
  }
  const scores = scoresOfLogs(batch.logs);
  if (scores.length > 0) await ch.insert('scores', scores.map(scoreToColumns));
  if (batch.metrics.length > 0) {
    await ch.insert('metric_points', batch.metrics.map(metricToRow));
    result.metricsWritten = batch.metrics.length;
  }
  return result;
}

/** A span a worker sent as a line (span-lines.ts): its key, and where its bytes are. */
class LineRef implements SpanKey {
  readonly tenantId: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly startTimeUnixNano: bigint;

  constructor(
    readonly lines: SpanLines,
    readonly line: number,
  ) {
    this.tenantId = lines.tenantIds[line]!;
    this.traceId = lines.traceIds[line]!;
    this.spanId = lines.spanIds[line]!;
    this.startTimeUnixNano = lines.startNs[line]!;
  }
}

function lineRefs(all: SpanLines[]): LineRef[] {
  const refs: LineRef[] = [];
  for (const lines of all) for (let i = 0; i < lines.rows; i++) refs.push(new LineRef(lines, i));
  return refs;
}

/** Views smaller than this are copied together, so that a batch goes out in few writes. */
const SMALL_VIEW = 64 * 1024;

/**
 * The insert's chunks: rows encoded here, lines as views of the workers' bytes (a run of
 * consecutive lines is one view; no copy unless duplicates left many small runs).
 */
function spanChunks(fresh: Array<SpanRow | LineRef>): Uint8Array[] {
  const rows: SpanRow[] = [];
  const views: Uint8Array[] = [];
  let run: { lines: SpanLines; from: number; to: number } | null = null;
  const flush = () => {
    if (run)
      views.push(
        run.lines.bytes.subarray(lineStart(run.lines, run.from), run.lines.ends[run.to - 1]),
      );
    run = null;
  };
  for (const s of fresh) {
    if (!(s instanceof LineRef)) rows.push(s);
    else if (run && run.lines === s.lines && run.to === s.line) run.to++;
    else {
      flush();
      run = { lines: s.lines, from: s.line, to: s.line + 1 };
    }
  }
  flush();
  const chunks: Uint8Array[] = tsvChunks(rows, spanFields);
  let small: Uint8Array[] = [];
  let smallBytes = 0;
  for (const v of views) {
    if (v.length >= SMALL_VIEW) chunks.push(v);
    else {
      small.push(v);
      smallBytes += v.length;
      if (smallBytes >= SMALL_VIEW) {
        chunks.push(Buffer.concat(small));
        small = [];
        smallBytes = 0;
      }
    }
  }
  if (small.length > 0) chunks.push(Buffer.concat(small));
  return chunks;
}
