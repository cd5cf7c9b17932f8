import type { DuckDBAppender } from '@duckdb/node-api';
import { isLlmSpan, isToolSpan } from '../classify.js';
import { attrsToJson, eventsToJson, linksToJson } from '../json.js';
import type { LogRow, MetricPointRow, SpanRow, WriteBatch, WriteResult } from '../types.js';
import type { DuckDb } from './database.js';
import { traceKey } from './rows.js';
import { SPAN_COLUMNS } from './schema.js';

const stagingReady = new WeakSet<DuckDb>();

/**
 * Writes one batch in one transaction: the promise resolves only after COMMIT, which is what lets
 * ingest acknowledge a request. Appenders are used for speed. Spans go through a connection-local
 * temp table (never written to the WAL) and an anti-join, so a resent span (same tenant, trace and
 * span id) is skipped, not double-counted. A resent span keeps its start time, so the anti-join
 * reads only the row groups whose start_ns zone maps overlap the batch.
 */
export async function writeBatch(db: DuckDb, batch: WriteBatch): Promise<WriteResult> {
  const result: WriteResult = {
    spansWritten: 0,
    spansDuplicate: 0,
    logsWritten: 0,
    metricsWritten: 0,
  };
  if (batch.spans.length > 0 && !stagingReady.has(db)) {
    await db.exec('CREATE TEMP TABLE IF NOT EXISTS spans_staging AS SELECT * FROM spans LIMIT 0');
    stagingReady.add(db);
  }
  await db.exec('BEGIN TRANSACTION');
  try {
    if (batch.spans.length > 0) {
      let minStart = batch.spans[0]!.startTimeUnixNano;
      let maxStart = minStart;
      const appender = await db.writer.createAppender('spans_staging', 'main', 'temp');
      for (const s of batch.spans) {
        if (s.startTimeUnixNano < minStart) minStart = s.startTimeUnixNano;
        if (s.startTimeUnixNano > maxStart) maxStart = s.startTimeUnixNano;
        appendSpan(appender, s);
      }
      appender.closeSync();
      const cols = SPAN_COLUMNS.join(', ');
      // Duplicates inside one batch are dropped too (first wins), like across batches.
      result.spansWritten = await db.change(
        `INSERT INTO spans (${cols})
         SELECT ${cols} FROM (
           SELECT *, row_number() OVER (PARTITION BY tenant_id, trace_id, span_id) AS dup
           FROM temp.main.spans_staging) s
         WHERE dup = 1 AND NOT EXISTS (
           SELECT 1 FROM spans t
           WHERE t.start_ns BETWEEN ? AND ?
             AND t.trace_key = s.trace_key AND t.tenant_id = s.tenant_id
             AND t.trace_id = s.trace_id AND t.span_id = s.span_id)`,
        [minStart, maxStart],
      );
      result.spansDuplicate = batch.spans.length - result.spansWritten;
      await db.exec('DELETE FROM temp.main.spans_staging');
    }
    if (batch.logs.length > 0) {
      const appender = await db.writer.createAppender('logs');
      for (const l of batch.logs) appendLog(appender, l);
      appender.closeSync();
      result.logsWritten = batch.logs.length;
    }
    if (batch.metrics.length > 0) {
      const appender = await db.writer.createAppender('metric_points');
      for (const m of batch.metrics) appendMetric(appender, m);
      appender.closeSync();
      result.metricsWritten = batch.metrics.length;
    }
    await db.exec('COMMIT');
  } catch (err) {
    await db.exec('ROLLBACK').catch(() => {});
    throw err;
  }
  return result;
}

function varcharOrNull(a: DuckDBAppender, v: string | null): void {
  if (v === null) a.appendNull();
  else a.appendVarchar(v);
}

function bigintOrNull(a: DuckDBAppender, v: number | null): void {
  if (v === null) a.appendNull();
  else a.appendBigInt(BigInt(Math.trunc(v)));
}

function doubleOrNull(a: DuckDBAppender, v: number | null): void {
  if (v === null || !Number.isFinite(v)) a.appendNull();
  else a.appendDouble(v);
}

function appendSpan(a: DuckDBAppender, s: SpanRow): void {
  a.appendVarchar(s.tenantId);
  a.appendVarchar(s.traceId);
  a.appendVarchar(s.spanId);
  a.appendVarchar(s.parentSpanId);
  a.appendVarchar(s.name);
  a.appendTinyInt(s.kind);
  a.appendBigInt(s.startTimeUnixNano);
  a.appendBigInt(s.endTimeUnixNano);
  a.appendBigInt(s.durationNs);
  a.appendTinyInt(s.statusCode);
  a.appendVarchar(s.statusMessage);
  a.appendVarchar(s.serviceName);
  a.appendVarchar(s.scopeName);
  varcharOrNull(a, s.agentId);
  varcharOrNull(a, s.agentName);
  varcharOrNull(a, s.operation);
  varcharOrNull(a, s.model);
  varcharOrNull(a, s.provider);
  bigintOrNull(a, s.inputTokens);
  bigintOrNull(a, s.outputTokens);
  varcharOrNull(a, s.toolName);
  varcharOrNull(a, s.errorType);
  a.appendBoolean(s.isRun);
  varcharOrNull(a, s.userId);
  varcharOrNull(a, s.conversationId);
  a.appendVarchar(attrsToJson(s.attributes));
  a.appendVarchar(attrsToJson(s.resourceAttributes));
  a.appendVarchar(eventsToJson(s.events));
  a.appendVarchar(linksToJson(s.links));
  a.appendBoolean(isLlmSpan(s));
  a.appendBoolean(isToolSpan(s));
  a.appendUBigInt(traceKey(s.traceId));
  a.endRow();
}

function appendLog(a: DuckDBAppender, l: LogRow): void {
  a.appendVarchar(l.tenantId);
  a.appendBigInt(l.timeUnixNano);
  a.appendBigInt(l.observedTimeUnixNano);
  a.appendVarchar(l.traceId);
  a.appendVarchar(l.spanId);
  a.appendTinyInt(l.severityNumber);
  a.appendVarchar(l.severityText);
  a.appendVarchar(l.body);
  a.appendVarchar(l.serviceName);
  varcharOrNull(a, l.agentId);
  a.appendVarchar(attrsToJson(l.attributes));
  a.appendVarchar(attrsToJson(l.resourceAttributes));
  a.appendUBigInt(traceKey(l.traceId));
  a.endRow();
}

function appendMetric(a: DuckDBAppender, m: MetricPointRow): void {
  a.appendVarchar(m.tenantId);
  a.appendVarchar(m.name);
  a.appendVarchar(m.kind);
  a.appendVarchar(m.unit);
  a.appendTinyInt(m.temporality);
  a.appendBoolean(m.isMonotonic);
  a.appendBigInt(m.startTimeUnixNano);
  a.appendBigInt(m.timeUnixNano);
  doubleOrNull(a, m.value);
  doubleOrNull(a, m.count);
  doubleOrNull(a, m.sum);
  doubleOrNull(a, m.min);
  doubleOrNull(a, m.max);
  a.appendVarchar(JSON.stringify(m.explicitBounds));
  a.appendVarchar(JSON.stringify(m.bucketCounts));
  a.appendVarchar(m.serviceName);
  a.appendVarchar(attrsToJson(m.attributes));
  a.appendVarchar(attrsToJson(m.resourceAttributes));
  a.endRow();
}
