import type { DuckDBConnection } from '@duckdb/node-api';
import { WorkSlice } from '../../ingest/work-slice.js';
import type { SpanRow } from '../types.js';
import { appendSpanRows } from './column-append.js';
import { SPAN_COLUMNS } from './schema.js';

/**
 * Spans into `spans` as the writer's transaction takes them: appended as they are when known to be
 * new (RecentSpanKeys), or staged and inserted with an anti-join against what is stored.
 */

/** Span rows appended as span columns (column-append.ts `appendSpanRows`); returns how many. */
export async function appendRows(
  conn: DuckDBConnection,
  table: string,
  rows: SpanRow[],
  catalog?: string,
): Promise<number> {
  if (rows.length === 0) return 0;
  const appender = await conn.createAppender(table, catalog && 'main', catalog);
  const appended = await appendSpanRows(appender, rows, new WorkSlice());
  appender.closeSync();
  return appended;
}

/** Inserts the spans not already in the table (nor repeated earlier in `spans`); returns how many. */
export async function insertChecked(conn: DuckDBConnection, spans: SpanRow[]): Promise<number> {
  let minStart = spans[0]!.startTimeUnixNano;
  let maxStart = minStart;
  for (const s of spans) {
    if (s.startTimeUnixNano < minStart) minStart = s.startTimeUnixNano;
    if (s.startTimeUnixNano > maxStart) maxStart = s.startTimeUnixNano;
  }
  await appendRows(conn, 'spans_staging', spans, 'temp');
  return insertStaged(conn, minStart, maxStart);
}

/**
 * Inserts the staged spans not already in the table (nor repeated earlier in the staging table),
 * empties the staging table, and returns how many were inserted.
 */
export async function insertStaged(
  conn: DuckDBConnection,
  minStart: bigint,
  maxStart: bigint,
): Promise<number> {
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
