import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { WorkSlice } from '../../ingest/work-slice.js';
import { isLlmSpan, isToolSpan } from '../classify.js';
import { attrsToJson, eventsToJson, linksToJson, resourceToJson } from '../json.js';
import type { LogRow, MetricPointRow, SpanRow, WriteBatch, WriteResult } from '../types.js';
import type { DuckDb } from './database.js';
import {
  DEFAULT_RECENT_SPAN_KEYS_OPTIONS,
  RecentSpanKeys,
  type RecentSpanKeysOptions,
} from './recent-span-keys.js';
import { tenantKey, traceKey } from './rows.js';
import { SPAN_COLUMNS } from './schema.js';

/**
 * Writes span, log and metric batches, each in one transaction on the single write connection: the
 * promise resolves only after COMMIT, which is what lets ingest acknowledge a request. (A second
 * ingest connection was measured slower: its appender blocks the event loop while the other
 * connection commits.)
 *
 * A resent span (same tenant, trace and span id) is skipped, not double-counted. RecentSpanKeys says
 * which spans are certainly new, and those are appended directly. The rest may be stored already and
 * go through a connection-local temp table (never written to the WAL) and an anti-join; a resent
 * span keeps its start time, so the anti-join reads only the row groups whose start_ns zone maps
 * overlap them.
 */
export class DuckIngestWriter {
  private keys: RecentSpanKeys | null = null;
  private stagingReady = false;

  constructor(
    private readonly db: DuckDb,
    private readonly options: RecentSpanKeysOptions = DEFAULT_RECENT_SPAN_KEYS_OPTIONS,
  ) {}

  write(batch: WriteBatch): Promise<WriteResult> {
    return this.db.exclusive(() => this.transaction(batch));
  }

  /** The journal record the last committed batch ended at (see WriteBatch.journalSeq). */
  async appliedJournalSeq(): Promise<number> {
    const rows = await this.db.queryOnWriter('SELECT max(applied_seq) AS seq FROM ingest_journal');
    return Number(rows[0]?.seq ?? 0);
  }

  private async recentKeys(): Promise<RecentSpanKeys> {
    if (!this.keys) {
      const rows = await this.db.queryOnWriter('SELECT max(start_ns) AS newest FROM spans');
      const newest = rows[0]?.newest;
      this.keys = new RecentSpanKeys(typeof newest === 'bigint' ? newest : null, this.options);
    }
    return this.keys;
  }

  private async transaction(batch: WriteBatch): Promise<WriteResult> {
    const result: WriteResult = {
      spansWritten: 0,
      spansDuplicate: 0,
      logsWritten: 0,
      metricsWritten: 0,
    };
    const spans = (await this.recentKeys()).classify(batch.spans);
    if (spans.suspect.length > 0 && !this.stagingReady) {
      await this.db.exec(
        'CREATE TEMP TABLE IF NOT EXISTS spans_staging AS SELECT * FROM spans LIMIT 0',
      );
      this.stagingReady = true;
    }
    const conn = this.db.writer;
    await conn.run('BEGIN TRANSACTION');
    try {
      result.spansWritten = await appendAll(conn, 'spans', spans.fresh, appendSpan);
      // After the fresh spans, so a span repeated within this batch finds its first copy.
      if (spans.suspect.length > 0) result.spansWritten += await insertChecked(conn, spans.suspect);
      result.spansDuplicate = batch.spans.length - result.spansWritten;
      result.logsWritten = await appendAll(conn, 'logs', batch.logs, appendLog);
      result.metricsWritten = await appendAll(conn, 'metric_points', batch.metrics, appendMetric);
      if (batch.journalSeq !== undefined) {
        await conn.run('INSERT OR REPLACE INTO ingest_journal VALUES (1, ?)', [batch.journalSeq]);
      }
      await conn.run('COMMIT');
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => {});
      throw err;
    }
    return result;
  }
}

/**
 * Appends rows to a table within the connection's open transaction; returns how many. Appending
 * runs on the event loop (about 7 µs a span), so a journal flush of 16,384 spans would hold it for
 * over 100 ms; in time slices, requests keep being decoded and journaled meanwhile.
 */
async function appendAll<T>(
  conn: DuckDBConnection,
  table: string,
  rows: T[],
  append: (a: DuckDBAppender, row: T) => void,
  schema?: { schema: string; catalog: string },
): Promise<number> {
  if (rows.length === 0) return 0;
  const appender = await conn.createAppender(table, schema?.schema, schema?.catalog);
  const slice = new WorkSlice();
  for (const row of rows) {
    if (slice.spent()) await slice.pause();
    append(appender, row);
  }
  appender.closeSync();
  return rows.length;
}

/** Inserts the spans not already in the table (nor repeated earlier in `spans`); returns how many. */
async function insertChecked(conn: DuckDBConnection, spans: SpanRow[]): Promise<number> {
  let minStart = spans[0]!.startTimeUnixNano;
  let maxStart = minStart;
  for (const s of spans) {
    if (s.startTimeUnixNano < minStart) minStart = s.startTimeUnixNano;
    if (s.startTimeUnixNano > maxStart) maxStart = s.startTimeUnixNano;
  }
  await appendAll(conn, 'spans_staging', spans, appendSpan, { schema: 'main', catalog: 'temp' });
  const cols = SPAN_COLUMNS.join(', ');
  const inserted = await conn.run(
    `INSERT INTO spans (${cols})
       SELECT ${cols} FROM (
         SELECT *, row_number() OVER (PARTITION BY tenant_id, trace_id, span_id) AS dup
         FROM temp.main.spans_staging) s
       WHERE dup = 1 AND NOT EXISTS (
         SELECT 1 FROM spans t
         WHERE t.start_ns BETWEEN ? AND ?
           AND t.tenant_key = s.tenant_key AND t.trace_key = s.trace_key
           AND t.tenant_id = s.tenant_id
           AND t.trace_id = s.trace_id AND t.span_id = s.span_id)`,
    [minStart, maxStart],
  );
  // On failure the ROLLBACK empties the staging table as well.
  await conn.run('DELETE FROM temp.main.spans_staging');
  return Number(inserted.rowsChanged);
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
  a.appendVarchar(resourceToJson(s.resourceAttributes));
  a.appendVarchar(eventsToJson(s.events));
  a.appendVarchar(linksToJson(s.links));
  a.appendBoolean(isLlmSpan(s));
  a.appendBoolean(isToolSpan(s));
  a.appendUBigInt(traceKey(s.traceId));
  a.appendUBigInt(tenantKey(s.tenantId));
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
  a.appendVarchar(resourceToJson(l.resourceAttributes));
  a.appendUBigInt(traceKey(l.traceId));
  a.appendUBigInt(tenantKey(l.tenantId));
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
  a.appendVarchar(resourceToJson(m.resourceAttributes));
  a.endRow();
}
