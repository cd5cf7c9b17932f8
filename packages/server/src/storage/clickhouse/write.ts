import { scoresOfLogs, scoreToColumns } from '../score-columns.js';
import type { SpanRow, WriteBatch, WriteResult } from '../types.js';
import type { ChConnection } from './client.js';
import { logToRow, metricToRow } from './rows.js';
import { freshSpans } from './span-keys.js';
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
  if (batch.spanColumns?.length) throw new Error('ClickHouse takes span rows, not span columns');
  let spans = batch.spans;
  let tenantsOf: ((s: SpanRow) => readonly string[]) | undefined;
  let fromPark = new Set<SpanRow>();
  if (batch.traceClaims?.length || batch.pendingSpans?.length) {
    const settled = await applyTraceTenants(ch, batch, nowNs());
    result.spansParked = settled.parked;
    if (settled.adopted.size > 0) {
      // The batch's own spans first: a pending span and its parked copy are one span, sent now.
      spans = [...batch.spans, ...settled.adopted.keys()];
      tenantsOf = (s) => settled.adopted.get(s) ?? [s.tenantId];
      fromPark = settled.fromPark;
    }
  }
  if (spans.length > 0) {
    const fresh = await freshSpans(ch, spans, tenantsOf);
    await ch.insertTsv('spans', SPAN_COLUMNS, tsvChunks(fresh, spanFields));
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
