import type { DuckDBAppender } from '@duckdb/node-api';
import type { AlertDataSource } from '../../alerts/source.js';
import type { NsRange } from '../read-types.js';
import {
  feedbackBucketFromColumns,
  feedbackStatsFromColumns,
  scoreFromColumns,
} from '../score-columns.js';
import { NEGATIVE_BELOW, type ScoreRow, type ScoreStore } from '../score-types.js';
import type { DuckDb } from './database.js';
import { tenantKey, traceKey, Where } from './rows.js';

/** A score's values in the column order of the scores table (schema.ts, version 8). */
export function appendScore(a: DuckDBAppender, s: ScoreRow): void {
  a.appendVarchar(s.tenantId);
  a.appendVarchar(s.scoreId);
  a.appendBigInt(s.timeUnixNano);
  a.appendVarchar(s.traceId);
  a.appendVarchar(s.spanId);
  a.appendVarchar(s.name);
  a.appendDouble(s.value);
  if (s.label === null) a.appendNull();
  else a.appendVarchar(s.label);
  if (s.comment === null) a.appendNull();
  else a.appendVarchar(s.comment);
  a.appendVarchar(s.source);
  a.appendUBigInt(traceKey(s.traceId));
  a.appendUBigInt(tenantKey(s.tenantId));
  a.endRow();
}

const AGGREGATES = `count(*) AS f_scores,
  count(*) FILTER (WHERE value < ${NEGATIVE_BELOW}) AS f_negative,
  coalesce(sum(value), 0) AS f_value_sum`;

function inRange(where: Where, range: NsRange): Where {
  return where.add('time_ns >= ?', range.fromNs).add('time_ns < ?', range.toNs);
}

/** The read side and the API's inserts; OTLP scores are appended by the ingest writer (write.ts). */
export function duckScoreStore(
  db: DuckDb,
): ScoreStore & Required<Pick<AlertDataSource, 'feedbackWindowStats'>> {
  const store: ScoreStore = {
    async insertScores(rows) {
      if (rows.length === 0) return;
      const appender = await db.writer.createAppender('scores');
      for (const row of rows) appendScore(appender, row);
      appender.closeSync();
    },
    async listScores(scope, q) {
      const where = inRange(new Where().scope(scope.tenantId), q.range);
      if (q.traceId !== undefined) {
        where.add('trace_key = ?::UBIGINT AND trace_id = ?', traceKey(q.traceId), q.traceId);
      }
      const rows = await db.query(
        `SELECT * FROM scores ${where.sql} ORDER BY time_ns DESC, score_id
         LIMIT ${Math.trunc(q.limit)} OFFSET ${Math.trunc(q.offset)}`,
        where.params,
      );
      return rows.map(scoreFromColumns);
    },
    async feedbackStats(scope, range, tenantIds) {
      const where = inRange(new Where().scope(scope.tenantId), range);
      if (tenantIds && tenantIds.length > 0) {
        where.add(`tenant_id IN (${tenantIds.map(() => '?').join(', ')})`, ...tenantIds);
      }
      // One tenant's needs no GROUP BY, whose hash table costs DuckDB a fixed millisecond or more.
      const one = scope.tenantId !== null;
      const rows = await db.query(
        `SELECT ${one ? 'any_value(tenant_id) AS tenant_id' : 'tenant_id'}, ${AGGREGATES},
           arg_max(trace_id, time_ns) FILTER (WHERE value < ${NEGATIVE_BELOW} AND trace_id <> '')
             AS f_example
         FROM scores ${where.sql} ${one ? 'HAVING count(*) > 0' : 'GROUP BY tenant_id ORDER BY tenant_id'}`,
        where.params,
      );
      return rows.map(feedbackStatsFromColumns);
    },
    async feedbackBuckets(tenantId, range, stepNs) {
      const where = inRange(new Where().scope(tenantId), range);
      const rows = await db.query(
        `SELECT (time_ns // ?) * ? AS f_bucket, ${AGGREGATES}
         FROM scores ${where.sql} GROUP BY f_bucket ORDER BY f_bucket`,
        [stepNs, stepNs, ...where.params],
      );
      return rows.map(feedbackBucketFromColumns);
    },
  };
  return {
    ...store,
    // The alert engine evaluates the whole fleet: deliberately all tenants.
    feedbackWindowStats: (fromMs, toMs) =>
      store.feedbackStats(
        { tenantId: null },
        {
          fromNs: BigInt(fromMs) * 1_000_000n,
          toNs: BigInt(toMs) * 1_000_000n,
        },
      ),
  };
}
